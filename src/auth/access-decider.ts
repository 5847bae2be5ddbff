import { Injectable, Logger } from '@nestjs/common';
import { ApiError } from '../common/errors/api-error.js';
import { ROLES, type Role } from './access.decorators.js';
import { allows, grantsOf } from './access-policy.js';
import type { AccessTarget } from './access-target.js';
import { Authenticator } from './authenticator.js';
import { GrantsSource } from './grants.js';
import { callerName, type Identity } from './identity.js';

/**
 * The one access decision of the service (api.md §6), for HTTP routes and WebSocket upgrades alike: who the caller
 * is (401 when their token proves nobody), and whether they hold the route's role where it reaches (403).
 */
@Injectable()
export class AccessDecider {
  private readonly logger = new Logger('Access');

  constructor(
    private readonly authenticator: Authenticator,
    private readonly grants: GrantsSource,
  ) {}

  /** The caller behind `token` (none: anonymous, when `AUTH_MODE` allows it). */
  identify(token: string | undefined): Promise<Identity> {
    return this.authenticator.authenticate(token);
  }

  /**
   * Refuses with 403 unless `identity` holds `role` (or a higher one) on the target. A route over every cluster
   * needs the role on every cluster and namespace (`*`), until lists over clusters are narrowed to the caller's.
   */
  authorize(identity: Identity, role: Role, target: AccessTarget): void {
    const document = this.grants.current();
    const allowed =
      target.clusterId === undefined
        ? holdsEverywhere(grantsOf(identity, document), role) || identity.kind === 'anonymous'
        : allows(identity, document, role, target.clusterId, target.namespace);
    if (allowed) return;
    this.logger.log({ event: 'access.denied', caller: callerName(identity), role, ...target });
    throw new ApiError(403, 'Forbidden', `${callerName(identity)} needs the ${role} role ${where(target)}`);
  }
}

function holdsEverywhere(grants: readonly { role: Role; clusters: string[]; namespaces: string[] }[], role: Role) {
  return grants.some(
    (grant) =>
      ROLES.indexOf(grant.role) >= ROLES.indexOf(role) &&
      grant.clusters.includes('*') &&
      grant.namespaces.includes('*'),
  );
}

function where({ clusterId, namespace }: AccessTarget): string {
  if (clusterId === undefined) return 'on every cluster';
  if (namespace === undefined) return `on every namespace of cluster "${clusterId}"`;
  return `on namespace "${namespace}" of cluster "${clusterId}"`;
}
