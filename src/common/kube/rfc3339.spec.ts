import { isRfc3339 } from './rfc3339.js';

describe(isRfc3339.name, () => {
  it.each([
    { value: '2026-01-01T00:00:00Z', valid: true },
    { value: '2026-01-01T00:00:00.123456789Z', valid: true },
    { value: '2026-06-30T23:59:59+02:00', valid: true },
    { value: '2026-06-30T23:59:59-11:30', valid: true },
    { value: '2024-02-29T12:00:00Z', valid: true },
    { value: '2000-02-29T12:00:00Z', valid: true },
    { value: '1900-02-29T12:00:00Z', valid: false },
    // Go's time.Parse(time.RFC3339, …), which the API server decodes `sinceTime` with, refuses these.
    { value: '2025-02-29T12:00:00Z', valid: false },
    { value: '2026-04-31T00:00:00Z', valid: false },
    { value: '2026-13-01T00:00:00Z', valid: false },
    { value: '2026-00-01T00:00:00Z', valid: false },
    { value: '2026-01-01T24:00:00Z', valid: false },
    { value: '2026-01-01T00:60:00Z', valid: false },
    { value: '2026-01-01T00:00:60Z', valid: false },
    { value: '2026-01-01T00:00:00+24:00', valid: false },
    { value: '2026-01-01 00:00:00Z', valid: false },
    { value: '2026-01-01t00:00:00z', valid: false },
    { value: '2026-01-01T00:00:00', valid: false },
    { value: '2026-01-01T00:00:00.Z', valid: false },
    { value: '2026-01-01', valid: false },
    { value: '1767225600', valid: false },
    { value: '', valid: false },
  ])('$value → $valid', ({ value, valid }) => {
    expect(isRfc3339(value)).toBe(valid);
  });
});
