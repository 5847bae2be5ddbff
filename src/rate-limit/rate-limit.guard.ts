import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { IdentifiedRequest } from '../auth/caller.js';
import type { RateBudget } from '../config/rate-limit.config.js';
import { rateLimitCaller, rateLimitKey } from './rate-limit-caller.js';
import { rateLimitExceeded } from './rate-limiter.js';

/** The one budget HTTP routes spend, and the name of the throttler that counts it. */
export const HTTP_BUDGET: RateBudget = 'writes';

/**
 * @nestjs/throttler's guard, counting per caller rather than per address and per route: the identity the access
 * guard settled (so it must run after it), one budget over every route that carries it, and its refusal as the
 * contract's 429 TooManyRequests envelope with `Retry-After`. Routes take it with `@RateLimitedWrite()`.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const { identity, ip } = request as IdentifiedRequest & { ip?: string };
    return Promise.resolve(rateLimitCaller(identity, ip));
  }

  protected override generateKey(_context: ExecutionContext, caller: string, budget: string): string {
    return rateLimitKey(budget as RateBudget, caller);
  }

  protected override throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    return Promise.reject(rateLimitExceeded(HTTP_BUDGET, detail.limit, detail.ttl, detail.timeToBlockExpire));
  }
}
