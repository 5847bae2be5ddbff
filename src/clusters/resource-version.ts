const DECIMAL = /^\d+$/;

/**
 * Whether `candidate` is an older resourceVersion than `current`. Kubernetes calls resourceVersions opaque, but every
 * API server backed by etcd gives decimal integers that only grow, so the two are compared only when both are:
 * anything else is never called older. Compared as digit strings, since etcd's revisions are 64-bit.
 */
export function isOlderVersion(candidate: string, current: string): boolean {
  if (!DECIMAL.test(candidate) || !DECIMAL.test(current)) return false;
  const a = candidate.replace(/^0+(?=\d)/, '');
  const b = current.replace(/^0+(?=\d)/, '');
  return a.length !== b.length ? a.length < b.length : a < b;
}
