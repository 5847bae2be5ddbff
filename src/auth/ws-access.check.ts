import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { ApiError } from '../common/errors/api-error.js';
import { pathGateways } from '../common/ws/gateways.js';
import type { UpgradedRequest, WsUpgradeCheck } from '../common/ws/ws-path.adapter.js';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { AccessDecider } from './access-decider.js';
import { refuseUnlessLoopbackAddressed } from './loopback-addressed.js';
import { NARROWED_ROUTE, PUBLIC_ROUTE, REQUIRED_ROLE, type Role } from './access.decorators.js';
import { accessTarget } from './access-target.js';
import { QUERY_TOKEN, wsBearerToken } from './bearer-token.js';
import type { IdentifiedRequest } from './caller.js';
import { wsOriginAllowed } from './ws-origin.js';

/** An upgrade the access decision let in: who is calling, and the bearer subprotocol to echo back, if one was used. */
export type AdmittedUpgrade = UpgradedRequest & IdentifiedRequest & { acceptedProtocol?: string };

/**
 * The access decision for WebSocket upgrades, run before the upgrade (guards do not run on a connection): the
 * `Origin` allow-list (403, against cross-site WebSocket hijacking), the caller's token (401), and the role the
 * gateway declares with `@RequireRole` on the cluster and namespace of the path (403).
 */
@Injectable()
export class WsAccessCheck implements WsUpgradeCheck, OnApplicationBootstrap {
  /** Each gateway's path pattern → the role it declares, or `public`. */
  private readonly roles = new Map<string, Role | 'public'>();
  /** The path patterns of gateways that narrow what they send to the caller's grants. */
  private readonly narrowed = new Set<string>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly decider: AccessDecider,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  onApplicationBootstrap(): void {
    for (const { path, gateway } of pathGateways(this.discovery)) {
      const role = this.reflector.get<boolean>(PUBLIC_ROUTE, gateway)
        ? 'public'
        : this.reflector.get<Role | undefined>(REQUIRED_ROLE, gateway);
      if (role !== undefined) this.roles.set(path, role);
      if (this.reflector.get<boolean>(NARROWED_ROUTE, gateway)) this.narrowed.add(path);
    }
  }

  async check(request: UpgradedRequest): Promise<void> {
    const upgrade = request as AdmittedUpgrade;
    if (this.config.modes.includes('none')) refuseUnlessLoopbackAddressed(request.headers.host);
    if (!wsOriginAllowed(request.headers.origin, request.headers.host, this.config.wsAllowedOrigins)) {
      throw new ApiError(403, 'Forbidden', 'WebSocket upgrades from this Origin are not allowed (WS_ALLOWED_ORIGINS)');
    }
    const role = this.roles.get(request.route.pattern);
    if (role === undefined) throw new ApiError(403, 'Forbidden', 'this endpoint declares no access rule');
    if (role === 'public') return;
    const { token, protocol } = wsBearerToken(
      { headers: request.headers, query: request.route.query },
      { queryTokenAllowed: this.config.queryTokenAllowed },
    );
    const identity = await this.decider.identify(token);
    await this.decider.authorize(identity, role, accessTarget(request.route.params), {
      request: `WS ${(request.url ?? '').split('?')[0]}`, // never the query: it may carry a token
      narrowed: this.narrowed.has(request.route.pattern),
    });
    upgrade.identity = identity;
    upgrade.acceptedProtocol = protocol;
    delete upgrade.route.query[QUERY_TOKEN]; // a credential, not one of the endpoint's parameters
  }
}
