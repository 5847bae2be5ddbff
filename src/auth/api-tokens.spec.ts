import * as nodeCrypto from 'node:crypto';
import { createHash } from 'node:crypto';
import { findApiToken } from './api-tokens.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const TOKENS = [
  { name: 'portal', sha256: sha256('portal-token') },
  { name: 'ci', sha256: sha256('ci-token-é') },
  { name: 'backup', sha256: sha256('backup-token') },
];

describe(findApiToken.name, () => {
  afterEach(() => jest.restoreAllMocks());

  it.each([
    { token: 'portal-token', name: 'portal' },
    { token: 'ci-token-é', name: 'ci' },
    { token: 'backup-token', name: 'backup' },
    { token: 'Portal-token', name: undefined },
    { token: 'portal-token ', name: undefined },
    { token: sha256('portal-token'), name: undefined }, // the stored hash is not the token
    { token: '', name: undefined },
  ])('$token → $name', ({ token, name }) => {
    expect(findApiToken(token, TOKENS)?.name).toBe(name);
  });

  it('finds nothing when no token is configured', () => {
    expect(findApiToken('portal-token', [])).toBeUndefined();
  });

  it.each([
    { label: 'the first token matches', token: 'portal-token' },
    { label: 'the last token matches', token: 'backup-token' },
    { label: 'none matches', token: 'guess' },
  ])('compares in constant time with every configured token when $label', ({ token }) => {
    // The module object of node:crypto is what `import { timingSafeEqual }` calls through after compilation.
    const compare = jest.spyOn(jest.requireActual<typeof nodeCrypto>('node:crypto'), 'timingSafeEqual');
    findApiToken(token, TOKENS);
    expect(compare).toHaveBeenCalledTimes(TOKENS.length);
    for (const [a, b] of compare.mock.calls) expect([a.byteLength, b.byteLength]).toEqual([32, 32]);
  });

  it('treats a malformed stored hash as no match, at the same cost', () => {
    const compare = jest.spyOn(jest.requireActual<typeof nodeCrypto>('node:crypto'), 'timingSafeEqual');
    expect(findApiToken('portal-token', [{ name: 'broken', sha256: 'abc' }])).toBeUndefined();
    expect(compare).toHaveBeenCalledTimes(1);
  });
});
