import { glob, matchesAnyGlob, matchesGlob } from './glob.js';

describe(matchesGlob.name, () => {
  it.each([
    // literal
    { pattern: 'prod', value: 'prod', matches: true },
    { pattern: 'prod', value: 'prod-eu', matches: false },
    { pattern: 'prod', value: 'pro', matches: false },
    { pattern: 'prod', value: 'Prod', matches: false },
    { pattern: 'prod', value: '', matches: false },
    // `*` alone: everything, the empty value included
    { pattern: '*', value: 'anything', matches: true },
    { pattern: '*', value: '', matches: true },
    { pattern: '**', value: 'a-b', matches: true },
    // `*` at either end, or both, or inside
    { pattern: 'shop-*', value: 'shop-eu', matches: true },
    { pattern: 'shop-*', value: 'shop-', matches: true },
    { pattern: 'shop-*', value: 'shop', matches: false },
    { pattern: 'shop-*', value: 'my-shop-eu', matches: false },
    { pattern: '*-eu', value: 'prod-eu', matches: true },
    { pattern: '*-eu', value: 'prod-eu-2', matches: false },
    { pattern: '*shop*', value: 'shop', matches: true },
    { pattern: '*shop*', value: 'my-shop-eu', matches: true },
    { pattern: '*shop*', value: 'sho-p', matches: false },
    { pattern: 'a*b', value: 'ab', matches: true },
    { pattern: 'a*b', value: 'axxb', matches: true },
    { pattern: 'a*b', value: 'axxbx', matches: false },
    { pattern: 'a*b*c', value: 'abbc', matches: true },
    { pattern: 'a*b*c', value: 'acb', matches: false },
    // the first and the last piece may not overlap
    { pattern: 'ab*ba', value: 'aba', matches: false },
    { pattern: 'ab*ba', value: 'abba', matches: true },
    // a middle piece that fits early and late: the first fit leaves room for the rest
    { pattern: '*a-*-b*', value: 'a-a-x-b', matches: true },
    { pattern: 'x*ab*ab*y', value: 'xabababy', matches: true },
    { pattern: 'x*ab*ab*y', value: 'xaby', matches: false },
    // `?`: exactly one character
    { pattern: 'team-?', value: 'team-a', matches: true },
    { pattern: 'team-?', value: 'team-', matches: false },
    { pattern: 'team-?', value: 'team-ab', matches: false },
    { pattern: '?', value: '', matches: false },
    { pattern: '??', value: 'ab', matches: true },
    { pattern: '?*', value: '', matches: false },
    { pattern: '?*', value: 'a', matches: true },
    { pattern: '*?', value: 'ab', matches: true },
    { pattern: 'a?*?b', value: 'a12b', matches: true },
    { pattern: 'a?*?b', value: 'a1b', matches: false },
    { pattern: '*-?-*', value: 'x-1-y', matches: true },
    { pattern: '*-?-*', value: 'x-12-y', matches: false },
    // `?` stands for one character, also outside the Basic Multilingual Plane
    { pattern: 'x?y', value: 'x😀y', matches: true },
    { pattern: 'x??y', value: 'x😀y', matches: false },
    // regular-expression syntax is literal text
    { pattern: 'a.b', value: 'a.b', matches: true },
    { pattern: 'a.b', value: 'axb', matches: false },
    { pattern: 'a+', value: 'aa', matches: false },
    { pattern: 'a+', value: 'a+', matches: true },
    { pattern: '(a|b)', value: 'a', matches: false },
    { pattern: '(a|b)', value: '(a|b)', matches: true },
    { pattern: '[ab]', value: 'a', matches: false },
    { pattern: '[ab]', value: '[ab]', matches: true },
    { pattern: '\\d', value: '1', matches: false },
    { pattern: '\\d', value: '\\d', matches: true },
    { pattern: '^x$', value: 'x', matches: false },
    { pattern: '.*', value: 'anything', matches: false },
    { pattern: '.*', value: '.anything', matches: true },
    // `*` crosses every character, `/` and leading dots included (these are not paths)
    { pattern: '*', value: '.hidden', matches: true },
    { pattern: 'a*c', value: 'a/b/c', matches: true },
    // one line of a value does not stand for the whole value
    { pattern: 'prod', value: 'prod\nx', matches: false },
    { pattern: 'a*', value: 'a\nb', matches: true },
  ])('$pattern on "$value" → $matches', ({ pattern, value, matches }) => {
    expect(matchesGlob(pattern, value)).toBe(matches);
  });

  it('answers a long value against many stars without backtracking', () => {
    // A regular expression `^.*a.*a.*a.*a.*a.*a.*b$` would take a power of the value's length here and not finish
    // within the test's time limit.
    const value = 'a'.repeat(20_000);
    expect(matchesGlob('*a*a*a*a*a*a*b', value)).toBe(false);
    expect(matchesGlob('*a*a*a*a*a*a*a', value)).toBe(true);
  });
});

describe(glob.name, () => {
  it.each([
    { pattern: '*', everything: true },
    { pattern: '***', everything: true },
    { pattern: '*?', everything: false },
    { pattern: 'a*', everything: false },
    { pattern: 'a', everything: false },
  ])('$pattern matches everything: $everything', ({ pattern, everything }) => {
    expect(glob(pattern).matchesEverything).toBe(everything);
  });

  it('compiles a pattern once', () => {
    expect(glob('team-*')).toBe(glob('team-*'));
  });
});

describe(matchesAnyGlob.name, () => {
  it.each([
    { patterns: ['team-a', 'shop-*'], value: 'shop-eu', matches: true },
    { patterns: ['team-a', 'shop-*'], value: 'team-a', matches: true },
    { patterns: ['team-a', 'shop-*'], value: 'team-b', matches: false },
    { patterns: [], value: 'team-a', matches: false },
  ])('$patterns on "$value" → $matches', ({ patterns, value, matches }) => {
    expect(matchesAnyGlob(patterns, value)).toBe(matches);
  });
});
