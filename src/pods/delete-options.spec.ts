import { toDeleteOptions } from './delete-options.js';

describe(toDeleteOptions.name, () => {
  it.each([
    { query: {}, expected: {} },
    { query: { gracePeriod: 30 }, expected: { gracePeriodSeconds: 30 } },
    { query: { gracePeriod: 0 }, expected: { gracePeriodSeconds: 1 } },
    { query: { force: true }, expected: { gracePeriodSeconds: 0 } },
    { query: { force: true, gracePeriod: 0 }, expected: { gracePeriodSeconds: 0 } },
    { query: { force: true, gracePeriod: 5 }, expected: { gracePeriodSeconds: 5 } },
    { query: { force: false, gracePeriod: 0 }, expected: { gracePeriodSeconds: 1 } },
    { query: { force: false }, expected: {} },
  ])('$query → $expected', ({ query, expected }) => {
    expect(toDeleteOptions(query)).toEqual(expected);
  });
});
