import { ROLES, type Role } from './access.decorators.js';
import { glob, matchesAnyGlob } from './glob.js';
import type { Grant, GrantsDocument, GrantSubject } from './grants.js';
import type { Identity } from './identity.js';

/*
 * Who may do what where (api.md §6), decided from the caller's identity and the grants in force. Pure: the HTTP
 * guard, the WebSocket upgrade, list narrowing and `GET /api/auth/me` all ask these functions, so they cannot
 * disagree.
 *
 * A request names a cluster and, for anything inside a namespace, the namespace. A request that names no namespace
 * (a list over all namespaces, the cluster's registry entry) is cluster-scoped: only grants over all namespaces
 * (`*`) count for it, since a grant over `team-*` says nothing about namespaces it does not cover. Lists narrow
 * instead, through `namespaceScope`.
 *
 * `ANONYMOUS` (`AUTH_MODE=none`, which only starts on a loopback address) holds every role everywhere.
 */

/** Which namespaces of one cluster a caller may see: all of them, or those matching one of the globs (none if empty). */
export type NamespaceScope = { all: true } | { all: false; patterns: string[] };

/** Whether `held` includes `required` (viewer < operator < admin). */
export function roleIncludes(held: Role, required: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(required);
}

/**
 * The grants of the document that are for this caller: a user grant for a JWT whose `sub` is its user, a group grant
 * for a JWT whose groups hold its group, a token grant for the static token of its name. A user and a token of the
 * same name are different callers. None for `ANONYMOUS`, whose access comes from `AUTH_MODE=none`, not from grants.
 */
export function grantsOf(identity: Identity, document: GrantsDocument): Grant[] {
  return document.grants.filter((grant) => isFor(grant.subject, identity));
}

/**
 * The highest role the caller holds on `clusterId` and, when given, `namespace`; `undefined` when none. Without a
 * namespace (a cluster-scoped request), only grants over all namespaces count.
 */
export function roleOn(
  identity: Identity,
  document: GrantsDocument,
  clusterId: string,
  namespace?: string,
): Role | undefined {
  if (identity.kind === 'anonymous') return 'admin';
  let highest: Role | undefined;
  for (const grant of grantsOf(identity, document)) {
    if (!matchesAnyGlob(grant.clusters, clusterId)) continue;
    const covered = namespace === undefined ? coversAllNamespaces(grant) : matchesAnyGlob(grant.namespaces, namespace);
    if (covered && (highest === undefined || !roleIncludes(highest, grant.role))) highest = grant.role;
  }
  return highest;
}

/** Whether the caller holds `required` (or a higher role) on `clusterId` and, when given, `namespace`. */
export function allows(
  identity: Identity,
  document: GrantsDocument,
  required: Role,
  clusterId: string,
  namespace?: string,
): boolean {
  const role = roleOn(identity, document, clusterId, namespace);
  return role !== undefined && roleIncludes(role, required);
}

/**
 * The namespaces of `clusterId` in which the caller holds `required` or higher: what a list over all namespaces is
 * narrowed to.
 */
export function namespaceScope(
  identity: Identity,
  document: GrantsDocument,
  clusterId: string,
  required: Role = 'viewer',
): NamespaceScope {
  if (identity.kind === 'anonymous') return { all: true };
  const patterns = new Set<string>();
  for (const grant of grantsOf(identity, document)) {
    if (!roleIncludes(grant.role, required) || !matchesAnyGlob(grant.clusters, clusterId)) continue;
    if (coversAllNamespaces(grant)) return { all: true };
    for (const pattern of grant.namespaces) patterns.add(pattern);
  }
  return { all: false, patterns: [...patterns] };
}

/** Whether `namespace` is in the scope. */
export function matchesScope(scope: NamespaceScope, namespace: string): boolean {
  return scope.all || matchesAnyGlob(scope.patterns, namespace);
}

/** Whether the caller holds any role anywhere in `clusterId`: the cluster list shows only such clusters. */
export function hasAnyGrant(identity: Identity, document: GrantsDocument, clusterId: string): boolean {
  if (identity.kind === 'anonymous') return true;
  return grantsOf(identity, document).some((grant) => matchesAnyGlob(grant.clusters, clusterId));
}

/**
 * Whether the caller holds `required` or higher on every cluster and every namespace: what a request over every
 * cluster that is not narrowed to the caller's grants (registering a cluster, the audit log) needs.
 */
export function holdsEverywhere(identity: Identity, document: GrantsDocument, required: Role): boolean {
  if (identity.kind === 'anonymous') return true;
  return grantsOf(identity, document).some(
    (grant) =>
      roleIncludes(grant.role, required) &&
      grant.clusters.some((pattern) => glob(pattern).matchesEverything) &&
      coversAllNamespaces(grant),
  );
}

function isFor(subject: GrantSubject, identity: Identity): boolean {
  if ('user' in subject) return identity.kind === 'user' && identity.name === subject.user;
  if ('group' in subject) return identity.kind === 'user' && identity.groups.includes(subject.group);
  return identity.kind === 'token' && identity.name === subject.token;
}

/** Whether one of the grant's namespace globs matches every namespace (`*`), cluster-scoped requests included. */
function coversAllNamespaces(grant: Grant): boolean {
  return grant.namespaces.some((pattern) => glob(pattern).matchesEverything);
}
