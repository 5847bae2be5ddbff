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
  createdAt: string;
  updatedAt: string;
}
