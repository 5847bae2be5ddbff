import { SendCongestion, type CongestionState } from './send-congestion.js';

const flowing: CongestionState = { kind: 'flowing' };
const congested = (closeInMs: number): CongestionState => ({ kind: 'congested', closeInMs });
const stuck: CongestionState = { kind: 'stuck' };

describe(SendCongestion.name, () => {
  it.each([
    {
      rule: 'up to the threshold, the client keeps up',
      observed: [
        { at: 0, unread: 0 },
        { at: 10, unread: 100 },
      ],
      expected: [flowing, flowing],
    },
    {
      rule: 'above it, the client is congested and given up on after closeAfterMs',
      observed: [
        { at: 0, unread: 101 },
        { at: 400, unread: 5000 },
        { at: 999, unread: 101 },
        { at: 1000, unread: 101 },
      ],
      expected: [congested(1000), congested(600), congested(1), stuck],
    },
    {
      rule: 'a client that caught up in between starts anew',
      observed: [
        { at: 0, unread: 500 },
        { at: 900, unread: 50 },
        { at: 950, unread: 500 },
        { at: 1500, unread: 500 },
        { at: 1950, unread: 500 },
      ],
      expected: [congested(1000), flowing, congested(1000), congested(450), stuck],
    },
    {
      rule: 'looking late at a client that never caught up gives up at once',
      observed: [
        { at: 0, unread: 500 },
        { at: 60_000, unread: 500 },
      ],
      expected: [congested(1000), stuck],
    },
  ])('$rule', ({ observed, expected }) => {
    let now = 0;
    const congestion = new SendCongestion({ thresholdBytes: 100, closeAfterMs: 1000, now: () => now });
    const states = observed.map(({ at, unread }) => {
      now = at;
      return congestion.observe(unread);
    });
    expect(states).toEqual(expected);
  });
});
