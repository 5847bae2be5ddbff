import { TokenBucket } from './token-bucket.js';

describe(TokenBucket.name, () => {
  it.each([
    {
      rule: 'a full bucket lets a burst of `capacity` through at once, then refuses',
      takesAt: [0, 0, 0, 0],
      expected: [true, true, true, false],
    },
    {
      rule: 'tokens come back at `perSecond`',
      takesAt: [0, 0, 0, 0, 499, 500, 500, 1000],
      expected: [true, true, true, false, false, true, false, true],
    },
    {
      rule: 'a steady rate at the limit is never refused',
      takesAt: [0, 0, 0, 500, 1000, 1500, 2000, 2500],
      expected: [true, true, true, true, true, true, true, true],
    },
    {
      rule: 'a refused take costs nothing: the next token comes as if it had not been asked for',
      takesAt: [0, 0, 0, 100, 200, 300, 400, 500],
      expected: [true, true, true, false, false, false, false, true],
    },
    {
      rule: 'an idle bucket refills to `capacity`, not beyond',
      takesAt: [0, 0, 0, 60_000, 60_000, 60_000, 60_000],
      expected: [true, true, true, true, true, true, false],
    },
    {
      rule: 'a clock set back adds no tokens and takes none away',
      takesAt: [1000, 0, 0, 0, 500],
      expected: [true, true, true, false, true],
    },
  ])('$rule', ({ takesAt, expected }) => {
    let now = takesAt[0];
    const bucket = new TokenBucket({ capacity: 3, perSecond: 2, now: () => now });
    const taken = takesAt.map((at) => {
      now = at;
      return bucket.take();
    });
    expect(taken).toEqual(expected);
  });
});
