import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Verb } from '../api/api-resources.js';
import { KubeStatusError } from '../kube-status-error.js';

export const ADMIN_USER = 'sandbox-admin';
export const VIEWER_USER = 'sandbox-viewer';

export interface Identity {
  user: string;
  groups: string[];
  /** May only get, list and watch (and read logs). */
  readOnly: boolean;
}

export interface AuthConfig {
  /** Full access, and the right to impersonate. */
  token: string;
  /** Read-only access. */
  readOnlyToken: string;
  /** Users (authenticated or impersonated) that are read-only whatever their token. */
  readOnlyUsers: readonly string[];
  /** Impersonated groups that make a user read-only. */
  readOnlyGroups?: readonly string[];
}

/** What a request does, for the authorization decision and its message. */
export interface Access {
  verb: Verb | 'impersonate';
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

const BEARER_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';

/**
 * Bearer-token authentication and a two-level authorization (full or read-only) with the API server's status codes
 * and words: 401 `Unauthorized` for a missing or wrong token, 403 `Forbidden` naming the user, verb and resource as
 * the RBAC authorizer does. `Impersonate-User` / `Impersonate-Group` are honoured for full-access callers (the
 * impersonated user's read-only rule then applies), refused for read-only ones.
 */
export class Authenticator {
  constructor(private readonly config: AuthConfig) {}

  authenticate(req: IncomingMessage): Identity {
    const token = bearerToken(req);
    let identity: Identity;
    if (token !== undefined && sameSecret(token, this.config.token)) {
      identity = {
        user: ADMIN_USER,
        groups: ['system:masters', 'system:authenticated'],
        readOnly: this.isReadOnlyUser(ADMIN_USER),
      };
    } else if (token !== undefined && sameSecret(token, this.config.readOnlyToken)) {
      identity = { user: VIEWER_USER, groups: ['system:authenticated'], readOnly: true };
    } else {
      throw KubeStatusError.of(401, 'Unauthorized', 'Unauthorized');
    }
    return this.impersonate(req, identity);
  }

  /** Throws 403 unless `identity` may do `access`. */
  authorize(identity: Identity, access: Access): void {
    if (!identity.readOnly) return;
    const reads = access.verb === 'get' || access.verb === 'list' || access.verb === 'watch';
    if (reads && access.subresource !== 'exec') return;
    throw forbidden(identity.user, access);
  }

  private impersonate(req: IncomingMessage, identity: Identity): Identity {
    const user = utf8Name(header(req, 'impersonate-user'));
    const groups = headerValues(req, 'impersonate-group').map(utf8Name);
    if (user === undefined && groups.length === 0) return identity;
    if (user === undefined) {
      throw KubeStatusError.of(
        500,
        'InternalError',
        `Internal error occurred: requested [${groups.map((group) => `{Group ${group}}`).join(' ')}] without impersonating a user`,
      );
    }
    if (identity.readOnly)
      throw forbidden(identity.user, { verb: 'impersonate', group: '', resource: 'users', name: user });
    const readOnly = this.isReadOnlyUser(user) || groups.some((group) => this.config.readOnlyGroups?.includes(group));
    return { user, groups: [...groups, 'system:authenticated'], readOnly };
  }

  private isReadOnlyUser(user: string): boolean {
    return this.config.readOnlyUsers.includes(user);
  }
}

/** `pods "web-0" is forbidden: User "x" cannot delete resource "pods" in API group "" in the namespace "shop"`. */
export function forbidden(user: string, access: Access): KubeStatusError {
  const { verb, group, resource, subresource, namespace, name } = access;
  const subject = name ? `${resource} "${name}"` : resource;
  const qualified = subresource ? `${resource}/${subresource}` : resource;
  const scope = namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope';
  const message = `${subject} is forbidden: User "${user}" cannot ${verb} resource "${qualified}" in API group "${group}"${scope}`;
  return KubeStatusError.of(403, 'Forbidden', message, {
    ...(name ? { name } : {}),
    ...(group ? { group } : {}),
    kind: resource,
  });
}

function bearerToken(req: IncomingMessage): string | undefined {
  const authorization = req.headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    return match ? match[1].trim() : undefined;
  }
  // Browsers cannot set headers on a WebSocket: the API server also reads the token from the subprotocol list.
  const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((protocol) => protocol.trim());
  const carrier = protocols.find((protocol) => protocol.startsWith(BEARER_PROTOCOL_PREFIX));
  if (!carrier) return undefined;
  try {
    return Buffer.from(carrier.slice(BEARER_PROTOCOL_PREFIX.length), 'base64url').toString('utf8');
  } catch {
    return undefined;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function headerValues(req: IncomingMessage, name: string): string[] {
  const values: string[] = [];
  for (let index = 0; index < req.rawHeaders.length; index += 2) {
    if (req.rawHeaders[index].toLowerCase() === name) values.push(req.rawHeaders[index + 1]);
  }
  return values;
}

/**
 * A name as the API server reads it from a header: Go keeps a header's bytes, and names are UTF-8, while Node hands
 * each byte over as one Latin-1 character.
 */
function utf8Name<T extends string | undefined>(value: T): T {
  return (value === undefined ? value : Buffer.from(value, 'latin1').toString('utf8')) as T;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
