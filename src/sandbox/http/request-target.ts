import { API_GROUP_VERSIONS, findResource, type ApiResource } from '../api/api-resources.js';

/** What a request path addresses, as the API server's request-info resolver reads it. */
export type RequestTarget =
  | { type: 'version' }
  | { type: 'health'; name: string }
  | { type: 'apiVersions' }
  | { type: 'apiGroups' }
  | { type: 'apiGroup'; group: string }
  | { type: 'groupVersion'; group: string; version: string }
  | { type: 'openapi'; path: string }
  | { type: 'sandbox'; path: string }
  | ResourceTarget
  | { type: 'notFound' };

export interface ResourceTarget {
  type: 'resource';
  resource: ApiResource;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** The deprecated `/api/v1/watch/...` form. */
  watchPath: boolean;
}

export function resolveTarget(pathname: string): RequestTarget {
  const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  if (path === '/version') return { type: 'version' };
  if (path === '/healthz' || path === '/livez' || path === '/readyz') return { type: 'health', name: path.slice(1) };
  if (path === '/api') return { type: 'apiVersions' };
  if (path === '/apis') return { type: 'apiGroups' };
  if (path.startsWith('/openapi/')) return { type: 'openapi', path };
  if (path === '/sandbox' || path.startsWith('/sandbox/')) return { type: 'sandbox', path };
  const decoded = path.split('/').slice(1).map(decodeSegment);
  if (decoded.some((segment) => segment === undefined)) return { type: 'notFound' };
  const segments = decoded as string[];
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api') {
    group = '';
    version = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === 'apis') {
    group = segments[1];
    if (segments.length === 2) {
      return API_GROUP_VERSIONS.some((candidate) => candidate.group === group)
        ? { type: 'apiGroup', group }
        : { type: 'notFound' };
    }
    version = segments[2];
    rest = segments.slice(3);
  } else {
    return { type: 'notFound' };
  }
  if (!API_GROUP_VERSIONS.some((candidate) => candidate.group === group && candidate.version === version))
    return { type: 'notFound' };
  if (rest.length === 0) return { type: 'groupVersion', group, version };
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  return resolveResource(group, version, rest, watchPath);
}

function resolveResource(group: string, version: string, rest: string[], watchPath: boolean): RequestTarget {
  // namespaces/{ns}/{resource}[/{name}[/{subresource}]] addresses a namespaced resource; namespaces[/{name}[/status]]
  // addresses the namespaces themselves.
  // namespaces/{name}/status and /finalize are subresources of a namespace, not resources in it (RequestInfoFactory).
  if (rest[0] === 'namespaces' && rest.length === 3 && NAMESPACE_SUBRESOURCES.has(rest[2])) {
    const namespaces = findResource(group, version, 'namespaces');
    if (!namespaces) return { type: 'notFound' };
    return { type: 'resource', resource: namespaces, name: rest[1], subresource: rest[2], watchPath };
  }
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const resource = findResource(group, version, rest[2]);
    if (!resource || !resource.namespaced || rest.length > 5) return { type: 'notFound' };
    return { type: 'resource', resource, namespace: rest[1], name: rest[3], subresource: rest[4], watchPath };
  }
  const resource = findResource(group, version, rest[0]);
  if (!resource || rest.length > 3) return { type: 'notFound' };
  if (resource.namespaced && rest.length > 1) return { type: 'notFound' };
  return { type: 'resource', resource, name: rest[1], subresource: rest[2], watchPath };
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
