import { formatRfc3339NanoFixed, parseRfc3339 } from './go-time.js';

describe(parseRfc3339.name, () => {
  it.each([
    { value: '2026-01-01T00:00:00Z', iso: '2026-01-01T00:00:00.000Z' },
    { value: '2026-01-01T10:30:00+02:00', iso: '2026-01-01T08:30:00.000Z' },
    { value: '2026-01-01T00:00:00.123456789Z', iso: '2026-01-01T00:00:00.123Z' },
    { value: '2024-02-29T23:59:59-00:30', iso: '2024-03-01T00:29:59.000Z' },
    // Go's general parser takes a one-digit hour for "15".
    { value: '2026-01-01T1:02:03Z', iso: '2026-01-01T01:02:03.000Z' },
  ])('$value', ({ value, iso }) => {
    expect(new Date(parseRfc3339(value)).toISOString()).toBe(iso);
  });

  // The texts of Go 1.24 time.Parse(time.RFC3339, value).
  it.each([
    {
      value: 'yesterday',
      message: 'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
    },
    {
      value: '2026-01-01',
      message: 'parsing time "2026-01-01" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"',
    },
    {
      value: '2026-1-01T00:00:00Z',
      message:
        'parsing time "2026-1-01T00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "1-01T00:00:00Z" as "01"',
    },
    {
      value: '2026-01-01 00:00:00Z',
      message: 'parsing time "2026-01-01 00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 00:00:00Z" as "T"',
    },
    {
      value: '2026-01-01T00:00:00',
      message: 'parsing time "2026-01-01T00:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"',
    },
    { value: '2026-13-01T00:00:00Z', message: 'parsing time "2026-13-01T00:00:00Z": month out of range' },
    { value: '2026-02-30T00:00:00Z', message: 'parsing time "2026-02-30T00:00:00Z": day out of range' },
    { value: '2026-01-01T25:00:00Z', message: 'parsing time "2026-01-01T25:00:00Z": hour out of range' },
    { value: '2026-01-01T00:00:00Zjunk', message: 'parsing time "2026-01-01T00:00:00Zjunk": extra text: "junk"' },
  ])('$value fails as Go does', ({ value, message }) => {
    expect(() => parseRfc3339(value)).toThrow(message);
  });
});

describe(formatRfc3339NanoFixed.name, () => {
  it.each([
    { micros: Date.UTC(2026, 0, 1) * 1000, text: '2026-01-01T00:00:00.000000000Z' },
    { micros: Date.UTC(2026, 0, 1, 12, 30, 5, 123) * 1000 + 456, text: '2026-01-01T12:30:05.123456000Z' },
    { micros: Date.UTC(2026, 0, 1) * 1000 + 7, text: '2026-01-01T00:00:00.000007000Z' },
  ])('$text', ({ micros, text }) => {
    expect(formatRfc3339NanoFixed(micros)).toBe(text);
  });
});
