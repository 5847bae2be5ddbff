import { registerAs, type ConfigType } from '@nestjs/config';
import { IsInt, Max, Min } from 'class-validator';
import { ToInt } from '../common/validation/transforms.js';
import { readEnv } from './read-env.js';

// @nestjs/throttler's storage spreads a caller's recorded hits into one Math.min() call, which overflows the stack
// somewhere past 100 000 arguments: no limit may let a caller record more than this in one window.
const MAX_PER_WINDOW = 100_000;

class RateLimitEnv {
  /** The sliding window every per-caller limit below counts over. */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(86_400)
  RATE_LIMIT_WINDOW_SECONDS: number = 60;

  /**
   * Changes one caller may ask for per window: pod deletes and cluster registrations, updates, removals and tests.
   * A portal acting for many people through one token is one caller, hence ten a second on average.
   */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(MAX_PER_WINDOW)
  RATE_LIMIT_WRITES: number = 600;

  /** Terminals one caller may open per window; each starts a process in a container. */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(MAX_PER_WINDOW)
  RATE_LIMIT_TERMINALS: number = 120;

  /**
   * Log streams one caller may start per window (each `subscribe`, which costs the cluster a pod read and a log
   * request). Log viewers subscribe on every open, container switch and reconnection, hence the most generous.
   */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(MAX_PER_WINDOW)
  RATE_LIMIT_LOG_STREAMS: number = 1200;
}

/** What each per-caller limit counts. */
export const RATE_BUDGETS = ['writes', 'terminals', 'logStreams'] as const;
export type RateBudget = (typeof RATE_BUDGETS)[number];

export const rateLimitConfig = registerAs('rateLimit', () => {
  const env = readEnv(RateLimitEnv);
  const limits: Record<RateBudget, number> = {
    writes: env.RATE_LIMIT_WRITES,
    terminals: env.RATE_LIMIT_TERMINALS,
    logStreams: env.RATE_LIMIT_LOG_STREAMS,
  };
  return { windowMs: env.RATE_LIMIT_WINDOW_SECONDS * 1000, limits };
});
export type RateLimitConfig = ConfigType<typeof rateLimitConfig>;
