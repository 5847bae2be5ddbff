import { toStoredBound } from './time-bound.js';

describe(toStoredBound.name, () => {
  it.each([
    { time: '2026-01-01T00:00:00Z', stored: '2026-01-01T00:00:00.000Z' },
    { time: '2026-01-01t00:00:00z', stored: '2026-01-01T00:00:00.000Z' },
    { time: '2026-01-01T00:00:00.5Z', stored: '2026-01-01T00:00:00.500Z' },
    { time: '2026-01-01T00:00:00.123Z', stored: '2026-01-01T00:00:00.123Z' },
    { time: '2026-01-01T00:00:00.123000000Z', stored: '2026-01-01T00:00:00.123Z' },
    // Between two milliseconds: the next one, so that `started_at >= since` leaves out a start at .123.
    { time: '2026-01-01T00:00:00.123000001Z', stored: '2026-01-01T00:00:00.124Z' },
    { time: '2026-01-01T00:00:00.9999Z', stored: '2026-01-01T00:00:01.000Z' },
    { time: '2026-12-31T23:59:59.9995Z', stored: '2027-01-01T00:00:00.000Z' },
    { time: '2026-01-01T02:30:00+02:30', stored: '2026-01-01T00:00:00.000Z' },
    { time: '2025-12-31T22:00:00.25-02:00', stored: '2026-01-01T00:00:00.250Z' },
  ])('$time → $stored', ({ time, stored }) => {
    expect(toStoredBound(time)).toBe(stored);
  });

  it.each(['2026-01-01', '2026-01-01T00:00:00', 'yesterday', '2026-01-01T00:00:00.Z'])('refuses %s', (time) => {
    expect(() => toStoredBound(time)).toThrow('not an RFC 3339 time');
  });
});
