import { Inject, Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import { TooManyRequestsError } from '../common/errors/api-error.js';
import { rateLimitConfig, type RateBudget, type RateLimitConfig } from '../config/rate-limit.config.js';
import { rateLimitKey } from './rate-limit-caller.js';

// No penalty beyond the window: @nestjs/throttler's storage then counts over a sliding window and records only the
// requests it lets through, so a caller at its limit gets through again as soon as its oldest request leaves the
// window, and hammering while refused costs it nothing more.
export const NO_BLOCK = 0;

const WHAT: Record<RateBudget, string> = {
  writes: 'changes',
  terminals: 'new terminals',
  logStreams: 'new log streams',
};

/**
 * The per-caller limits (RATE_LIMIT_*) on the storage of @nestjs/throttler, which the HTTP guard counts on too: one
 * budget per caller whichever route or gateway spends it.
 */
@Injectable()
export class RateLimiter {
  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    @Inject(rateLimitConfig.KEY) private readonly config: RateLimitConfig,
  ) {}

  /**
   * Counts one request of `budget` for `caller`, or throws `TooManyRequestsError` (counting nothing) when the caller
   * has used up the window's.
   */
  async spend(budget: RateBudget, caller: string): Promise<void> {
    const limit = this.config.limits[budget];
    const { windowMs } = this.config;
    const record = await this.storage.increment(rateLimitKey(budget, caller), windowMs, limit, NO_BLOCK, budget);
    if (record.isBlocked) throw rateLimitExceeded(budget, limit, windowMs, record.timeToBlockExpire);
  }
}

/** The refusal of a request beyond `limit` per `windowMs`; `retryAfterSeconds` is when the caller's oldest one leaves the window. */
export function rateLimitExceeded(
  budget: RateBudget,
  limit: number,
  windowMs: number,
  retryAfterSeconds: number,
): TooManyRequestsError {
  const seconds = Math.max(1, retryAfterSeconds);
  return new TooManyRequestsError(
    `too many ${WHAT[budget]}: at most ${limit} per ${windowMs / 1000} s for each caller; try again in ${seconds} s`,
    seconds,
  );
}
