import { Backoff, realDelay } from './backoff.js';

describe(Backoff.name, () => {
  it.each([
    { random: 1, expected: [1000, 2000, 4000, 8000, 16000, 30000, 30000] },
    { random: 0, expected: [500, 500, 500, 500, 500, 500, 500] },
  ])('grows to the cap with random=$random', ({ random, expected }) => {
    const backoff = new Backoff(1000, 30_000, () => random);
    expect(expected.map(() => backoff.next())).toEqual(expected);
  });

  it('starts over after reset', () => {
    const backoff = new Backoff(100, 1000, () => 1);
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });
});

describe('realDelay', () => {
  it('ends early when the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const waiting = realDelay(10_000, controller.signal);
    controller.abort();
    await waiting;
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
