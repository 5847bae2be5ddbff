import { isOlderVersion } from './resource-version.js';

describe(isOlderVersion.name, () => {
  it.each([
    { candidate: '99', current: '100', expected: true },
    { candidate: '100', current: '100', expected: false },
    { candidate: '101', current: '100', expected: false },
    { candidate: '9', current: '10', expected: true },
    { candidate: '10', current: '9', expected: false },
    { candidate: '0099', current: '100', expected: true },
    { candidate: '18446744073709551614', current: '18446744073709551615', expected: true },
    { candidate: '9007199254740993', current: '9007199254740992', expected: false },
    { candidate: '', current: '100', expected: false },
    { candidate: '5', current: '', expected: false },
    { candidate: 'abc', current: '100', expected: false },
    { candidate: '5', current: 'opaque-42', expected: false },
    { candidate: '-5', current: '100', expected: false },
    { candidate: '5.0', current: '100', expected: false },
  ])('$candidate older than $current: $expected', ({ candidate, current, expected }) => {
    expect(isOlderVersion(candidate, current)).toBe(expected);
  });
});
