import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiToken } from './grants.js';

/**
 * The static API token whose SHA-256 is `token`'s, if any. The hash is compared with every configured one, each in
 * constant time, and the loop does not stop at a match: how long it takes says nothing about which token, or how
 * much of one, was right.
 */
export function findApiToken(token: string, tokens: readonly ApiToken[]): ApiToken | undefined {
  const digest = createHash('sha256').update(token, 'utf8').digest();
  let found: ApiToken | undefined;
  for (const candidate of tokens) {
    const stored = Buffer.from(candidate.sha256, 'hex');
    // timingSafeEqual needs equal lengths; a malformed stored hash is compared with the digest itself, then discarded.
    const equal = stored.length === digest.length ? timingSafeEqual(digest, stored) : !timingSafeEqual(digest, digest);
    if (equal && found === undefined) found = candidate;
  }
  return found;
}
