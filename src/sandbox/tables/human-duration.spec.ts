import { ageSince, humanDuration } from './human-duration.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// Rows from k8s.io/apimachinery pkg/util/duration/duration_test.go (v0.35) TestHumanDuration.
describe(humanDuration.name, () => {
  it.each([
    [-2 * SECOND, '<invalid>'],
    [-1 * SECOND, '0s'],
    [0, '0s'],
    [1 * SECOND, '1s'],
    [59 * SECOND, '59s'],
    [119 * SECOND, '119s'],
    [2 * MINUTE, '2m'],
    [2 * MINUTE + 30 * SECOND, '2m30s'],
    [9 * MINUTE + 59 * SECOND, '9m59s'],
    [10 * MINUTE, '10m'],
    [179 * MINUTE, '179m'],
    [3 * HOUR, '3h'],
    [3 * HOUR + 15 * MINUTE, '3h15m'],
    [7 * HOUR + 59 * MINUTE, '7h59m'],
    [8 * HOUR, '8h'],
    [47 * HOUR, '47h'],
    [48 * HOUR, '2d'],
    [49 * HOUR, '2d1h'],
    [8 * DAY, '8d'],
    [729 * DAY, '729d'],
    [730 * DAY, '2y'],
    [731 * DAY, '2y1d'],
    [8 * 365 * DAY, '8y'],
  ])('%d ms → %s', (milliseconds, expected) => {
    expect(humanDuration(milliseconds)).toBe(expected);
  });

  it('answers <unknown> for a missing or unreadable time, as translateTimestampSince does', () => {
    const now = new Date('2026-01-02T00:00:00Z');
    expect(ageSince(undefined, now)).toBe('<unknown>');
    expect(ageSince('not a time', now)).toBe('<unknown>');
    expect(ageSince('2026-01-01T00:00:00Z', now)).toBe('24h');
  });
});
