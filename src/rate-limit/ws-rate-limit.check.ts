import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { AdmittedUpgrade } from '../auth/ws-access.check.js';
import { pathGateways } from '../common/ws/gateways.js';
import type { UpgradedRequest, WsUpgradeCheck } from '../common/ws/ws-path.adapter.js';
import type { RateBudget } from '../config/rate-limit.config.js';
import { RATE_LIMITED_UPGRADE } from './rate-limit.decorators.js';
import { rateLimitCaller } from './rate-limit-caller.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * The per-caller limit on upgrades of the gateways marked `@RateLimitedUpgrade(budget)`: guards do not run on a
 * WebSocket connection, so the adapter runs this before the upgrade, after the access check has named the caller.
 */
@Injectable()
export class WsRateLimitCheck implements WsUpgradeCheck, OnApplicationBootstrap {
  /** Each limited gateway's path pattern → the budget its upgrades spend. */
  private readonly budgets = new Map<string, RateBudget>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
  ) {}

  onApplicationBootstrap(): void {
    for (const { path, gateway } of pathGateways(this.discovery)) {
      const budget = this.reflector.get<RateBudget | undefined>(RATE_LIMITED_UPGRADE, gateway);
      if (budget !== undefined) this.budgets.set(path, budget);
    }
  }

  async check(request: UpgradedRequest): Promise<void> {
    const budget = this.budgets.get(request.route.pattern);
    if (budget === undefined) return;
    const { identity } = request as AdmittedUpgrade;
    await this.limiter.spend(budget, rateLimitCaller(identity, request.socket.remoteAddress));
  }
}
