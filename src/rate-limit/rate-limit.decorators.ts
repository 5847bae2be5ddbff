import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiErrorEnvelopes } from '../common/envelope/api-envelope.decorator.js';
import type { RateBudget } from '../config/rate-limit.config.js';
import { RateLimitGuard } from './rate-limit.guard.js';

export const RATE_LIMITED_UPGRADE = 'podapi:rate-limited-upgrade';

/**
 * On an HTTP handler that changes something: each call spends one of the caller's writes (RATE_LIMIT_WRITES per
 * window); beyond, 429 TooManyRequests with `Retry-After`. The guard runs after the global access guard, so a caller
 * refused there spends nothing, and a refusal here counts nothing.
 */
export const RateLimitedWrite = () => applyDecorators(UseGuards(RateLimitGuard), ApiErrorEnvelopes([429]));

/**
 * On a WebSocket gateway: each upgrade spends one of the caller's `budget`; beyond, the upgrade is refused with 429
 * TooManyRequests and `Retry-After`, before any socket exists (`WsRateLimitCheck`, run after the access check).
 */
export const RateLimitedUpgrade = (budget: RateBudget) => SetMetadata(RATE_LIMITED_UPGRADE, budget);
