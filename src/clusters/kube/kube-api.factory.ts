import type { ClusterAccess } from './cluster-access.js';
import type { KubeApi } from './kube-api.js';

export interface KubeApiSettings {
  /** Named in error messages ("cluster "x" could not be reached"). */
  clusterId: string;
  /** Deadline of every call but watches and streams (504 UpstreamTimeout past it). */
  requestTimeoutMs: number;
  /** A connection that is not established within this time fails (502 ClusterUnreachable). */
  connectTimeoutMs: number;
  /** An answer larger than this is abandoned (502 ClusterUnreachable). */
  maxResponseBytes: number;
  /** A watch event larger than this fails the watch (502 ClusterUnreachable). */
  maxWatchLineBytes: number;
}

/** Builds the KubeApi of a cluster; an abstract class so it doubles as the injection token (tests supply a fake). */
export abstract class KubeApiFactory {
  abstract create(access: ClusterAccess, settings: KubeApiSettings): KubeApi;
}
