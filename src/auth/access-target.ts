/** Where a request reaches, as the access decision reads it: a cluster, and maybe one namespace of it. */
export interface AccessTarget {
  /** Absent for routes over every cluster (the cluster list, registering a cluster). */
  clusterId?: string;
  /** Absent for routes over a whole cluster (a cluster-wide list, the cluster's own entry). */
  namespace?: string;
}

/**
 * The target of a request from its path parameters, else its `namespace` query filter: a list asked for one
 * namespace needs a grant on that namespace only. Only strings count (a repeated query parameter is never a target).
 */
export function accessTarget(params: Record<string, unknown>, query: Record<string, unknown> = {}): AccessTarget {
  const clusterId = stringOf(params.clusterId);
  if (clusterId === undefined) return {};
  const namespace = stringOf(params.namespace) ?? stringOf(query.namespace);
  return namespace === undefined ? { clusterId } : { clusterId, namespace };
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
