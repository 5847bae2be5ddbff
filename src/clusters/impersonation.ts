import type { Identity } from '../auth/identity.js';
import { ApiError } from '../common/errors/api-error.js';
import type { ImpersonationHeaders } from './kube/kube-api.js';

/**
 * Who a cluster that impersonates is told the caller is. A JWT's user is its `sub` with its groups; an API token is
 * `token:<name>`, so that no token can pass for a user of the same name; without authentication the caller is the
 * anonymous user of Kubernetes itself (`system:anonymous` in `system:unauthenticated`), so `AUTH_MODE=none`, which lets
 * everyone do everything here, grants nothing more on a cluster that impersonates.
 */
export function impersonationHeaders(identity: Identity): ImpersonationHeaders {
  const { user, groups } = kubernetesUser(identity);
  const headers: ImpersonationHeaders = { 'Impersonate-User': headerValue(user, 'user name') };
  if (groups.length > 0) headers['Impersonate-Group'] = groups.map((group) => headerValue(group, 'group'));
  return headers;
}

function kubernetesUser(identity: Identity): { user: string; groups: readonly string[] } {
  switch (identity.kind) {
    case 'user':
      return { user: identity.name, groups: identity.groups };
    case 'token':
      return { user: `token:${identity.name}`, groups: [] };
    case 'anonymous':
      return { user: 'system:anonymous', groups: ['system:unauthenticated'] };
  }
}

/**
 * A name as an HTTP header value that reaches the API server as exactly that name, or a 403: the request is not made
 * rather than made as someone else. Control characters are refused (CR and LF would end the header and could start
 * another); an empty `Impersonate-User` is no impersonation at all (the service's own rights); HTTP drops spaces at
 * either end, turning ` alice` into `alice`; a lone surrogate would become U+FFFD, another name. Anything else is sent
 * as its UTF-8 bytes, as client-go sends it (Go's net/http passes bytes above 0x7F through unchanged).
 */
function headerValue(name: string, what: 'user name' | 'group'): string {
  const problem = unsendable(name);
  if (problem)
    throw new ApiError(
      403,
      'Forbidden',
      `this cluster impersonates its callers, and the caller's ${what} cannot be sent to it: ${problem}`,
    );
  return Buffer.from(name, 'utf8').toString('latin1');
}

function unsendable(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (/[\ud800-\udfff]/u.test(name)) return 'it is not valid Unicode'; // a lone surrogate: pairs are one code point here
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'it contains a control character';
  if (name.startsWith(' ') || name.endsWith(' ')) return 'it starts or ends with a space';
  return undefined;
}

/**
 * The cluster's refusal to let the service impersonate (its RBAC gives the service's credentials no `impersonate` on
 * the user or a group), said as such: it is the service's setup, not the caller's rights, that needs changing. The
 * API server's own message is kept; it names the verb as `cannot impersonate resource "users"` (apiserver
 * endpoints/filters/impersonation.go, responsewriters.forbiddenMessage, v1.33). Any other error is returned as it is.
 */
export function impersonationRefusal(error: unknown, clusterId: string): unknown {
  if (!(error instanceof ApiError) || error.status !== 403) return error;
  if (!/ cannot impersonate resource "/.test(error.message)) return error;
  return new ApiError(
    403,
    'Forbidden',
    `cluster "${clusterId}" impersonates its callers, but does not allow the service to impersonate this one (grant its credentials "impersonate" on users and groups): ${error.message}`,
  );
}
