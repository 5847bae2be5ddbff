import type { Readable } from 'node:stream';
import type { Identity } from '../auth/identity.js';
import type { ClusterConnection } from '../clusters/cluster-connection.js';
import type { PodLogOptions } from '../clusters/kube/kube-api.js';
import type { KubePod } from '../common/kube/kube-objects.js';
import { logContainer } from './log-container.js';

/** A pod of a cluster. */
export interface PodRef {
  namespace: string;
  name: string;
}

/** The options of a log read but the container, which may be left to the default. */
export type PodLogRequest = Omit<PodLogOptions, 'container'> & { container?: string };

export interface OpenPodLog {
  /** The container read: the one asked for, or the pod's default (`logContainer`). */
  container: string;
  /** The pod as read just before the log was opened (its container statuses tell restarts and ends). */
  pod: KubePod;
  /** The log's bytes, pulled from the cluster; destroy it (or abort the signal) to end the request. */
  body: Readable;
}

/**
 * Opens a container's log as kubectl does: reads the pod (404 when it or its namespace is gone), picks the container
 * (400 listing the pod's containers for an unknown one), then asks the API server for the log (400 with Kubernetes'
 * own text for a container still creating, or `previous` without a previous instance). Both requests are the
 * caller's (impersonated where the cluster impersonates); `signal` ends them.
 */
export async function openPodLog(
  connection: ClusterConnection,
  target: PodRef,
  request: PodLogRequest,
  { caller, signal }: { caller: Identity; signal: AbortSignal },
): Promise<OpenPodLog> {
  return connection.call(
    async (api) => {
      const pod = await api.readPod(target.namespace, target.name, signal);
      const container = logContainer(pod, request.container);
      const body = await api.readPodLog(target.namespace, target.name, { ...request, container }, signal);
      return { container, pod, body };
    },
    { caller, signal },
  );
}
