import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ThrottlerModule, type ThrottlerModuleOptions } from '@nestjs/throttler';
import { rateLimitConfig, type RateLimitConfig } from '../config/rate-limit.config.js';
import { HTTP_BUDGET } from './rate-limit.guard.js';
import { NO_BLOCK, RateLimiter } from './rate-limiter.js';
import { WsRateLimitCheck } from './ws-rate-limit.check.js';

/**
 * Per-caller rate limits (RATE_LIMIT_*) on what costs the clusters or changes them: writes over HTTP
 * (`@RateLimitedWrite()`), new terminals (`@RateLimitedUpgrade()`, checked before the upgrade) and new log streams
 * (`RateLimiter.spend()` on each subscribe). Reads are not limited. One @nestjs/throttler storage counts them all.
 */
@Module({
  imports: [
    DiscoveryModule,
    ThrottlerModule.forRootAsync({
      inject: [rateLimitConfig.KEY],
      useFactory: (config: RateLimitConfig): ThrottlerModuleOptions => ({
        throttlers: [
          { name: HTTP_BUDGET, limit: config.limits[HTTP_BUDGET], ttl: config.windowMs, blockDuration: NO_BLOCK },
        ],
        // X-RateLimit-* on every answer would name the throttler in each header; a refusal carries Retry-After.
        setHeaders: false,
      }),
    }),
  ],
  providers: [RateLimiter, WsRateLimitCheck],
  exports: [RateLimiter, WsRateLimitCheck],
})
export class RateLimitModule {}
