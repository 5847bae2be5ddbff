import type { ApiError } from '../common/errors/api-error.js';
import type { ClusterAccess } from './kube/cluster-access.js';

export const CLUSTER_SOURCES = ['kubeconfig', 'api', 'in-cluster', 'sandbox'] as const;
export type ClusterSource = (typeof CLUSTER_SOURCES)[number];

/** A cluster the service can serve, whichever source it came from. */
export interface ClusterEntry {
  id: string;
  name: string;
  description: string | null;
  /** The API server URL (never credentials). */
  apiServer: string | null;
  source: ClusterSource;
  access: ClusterAccess;
  /** Clusters from a kubeconfig file or in-cluster configuration cannot be changed through the API. */
  readOnly: boolean;
  /**
   * Requests made for a caller carry the caller (`Impersonate-User` / `Impersonate-Group`), so that the cluster's own
   * RBAC applies to them too: a registered cluster's `impersonate`, `KUBE_IMPERSONATE` for the others.
   */
  impersonate: boolean;
  createdAt: string;
  updatedAt: string;
}

/**
 * A registered cluster that cannot be reached because its stored credentials cannot be read (`ENCRYPTION_KEY` changed
 * or unset, a damaged record). It is listed as disconnected and can be changed or deleted; no connection is built.
 */
export interface UnavailableClusterEntry extends Omit<ClusterEntry, 'access'> {
  /** What any request to the cluster answers, naming the cause. */
  unavailable: ApiError;
}

/** A cluster as the listing knows it. */
export type ListedClusterEntry = ClusterEntry | UnavailableClusterEntry;
