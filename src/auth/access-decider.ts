import { Injectable, Logger } from '@nestjs/common';
import { AuditTrail } from '../audit/audit-trail.js';
import { ApiError } from '../common/errors/api-error.js';
import { currentRequestId } from '../common/request-context.js';
import type { Role } from './access.decorators.js';
import {
  allows,
  grantsOf,
  hasAnyGrant,
  holdsEverywhere,
  matchesScope,
  namespaceScope,
  roleIncludes,
} from './access-policy.js';
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
    private readonly audit: AuditTrail,
  ) {}

  /** The caller behind `token` (none: anonymous, when `AUTH_MODE` allows it). */
  identify(token: string | undefined): Promise<Identity> {
    return this.authenticator.authenticate(token);
  }

  /**
   * Refuses with 403 unless `identity` holds `role` (or a higher one) on the target, and writes the refusal to the
   * audit log first. A route over every cluster needs the role on every cluster and namespace (`*`); over a whole
   * cluster, on every namespace of it. A `narrowed` route answers only what the caller may see, so there some grant
   * with the role in the cluster (or in any cluster) will do. `request` names what was asked (`DELETE /api/…`).
   */
  async authorize(
    identity: Identity,
    role: Role,
    target: AccessTarget,
    { request, narrowed = false }: { request: string; narrowed?: boolean },
  ): Promise<void> {
    if (this.holds(identity, role, target, narrowed)) return;
    const caller = callerName(identity);
    const refusal = new ApiError(403, 'Forbidden', `${caller} needs the ${role} role ${where(target, narrowed)}`);
    this.logger.log({ event: 'access.denied', caller, role, ...target, request });
    await this.audit.denied(
      { action: 'access.denied', caller, target, request, requestId: currentRequestId() ?? 'none', at: new Date() },
      { status: refusal.status, reason: refusal.reason, detail: refusal.message },
    );
    throw refusal;
  }

  /**
   * Which namespaces of `clusterId` the caller may see with `role`, for narrowing a list: `undefined` when all of
   * them. Read once per request, so a list is narrowed by one version of the grants.
   */
  visibleNamespaces(
    identity: Identity,
    clusterId: string,
    role: Role = 'viewer',
  ): ((namespace: string) => boolean) | undefined {
    const scope = namespaceScope(identity, this.grants.current(), clusterId, role);
    return scope.all ? undefined : (namespace) => matchesScope(scope, namespace);
  }

  /** Whether the caller holds some grant in `clusterId`: the cluster list shows only such clusters. */
  seesCluster(identity: Identity): (clusterId: string) => boolean {
    const document = this.grants.current();
    return (clusterId) => hasAnyGrant(identity, document, clusterId);
  }

  private holds(identity: Identity, role: Role, { clusterId, namespace }: AccessTarget, narrowed: boolean): boolean {
    if (identity.kind === 'anonymous') return true;
    const document = this.grants.current();
    if (clusterId === undefined) {
      if (!narrowed) return holdsEverywhere(identity, document, role);
      return grantsOf(identity, document).some((grant) => roleIncludes(grant.role, role));
    }
    if (namespace === undefined && narrowed) {
      const scope = namespaceScope(identity, document, clusterId, role);
      return scope.all || scope.patterns.length > 0;
    }
    return allows(identity, document, role, clusterId, namespace);
  }
}

function where({ clusterId, namespace }: AccessTarget, narrowed: boolean): string {
  if (clusterId === undefined) return narrowed ? 'on some cluster' : 'on every cluster';
  if (namespace === undefined) return `on ${narrowed ? 'some' : 'every'} namespace of cluster "${clusterId}"`;
  return `on namespace "${namespace}" of cluster "${clusterId}"`;
}
