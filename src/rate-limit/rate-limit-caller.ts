import { normalizeIp } from '@nestjs/throttler';
import { callerName, type Identity } from '../auth/identity.js';
import type { RateBudget } from '../config/rate-limit.config.js';

/**
 * Whose budget a request spends: an authenticated caller's name (`user:alice`, `token:portal`), whichever address
 * it calls from; an anonymous caller (`AUTH_MODE=none`) by its address, an IPv6 one by its /64, which one host
 * commonly holds whole.
 */
export function rateLimitCaller(identity: Identity | undefined, address: string | undefined): string {
  if (identity !== undefined && identity.kind !== 'anonymous') return callerName(identity);
  return `address:${address === undefined ? 'unknown' : normalizeIp(address)}`;
}

/** The storage key of one caller's budget; every route and gateway spending that budget counts on it. */
export function rateLimitKey(budget: RateBudget, caller: string): string {
  return `${budget}:${caller}`;
}
