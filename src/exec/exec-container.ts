import { ApiError } from '../common/errors/api-error.js';
import type { KubeContainerStatus, KubePod } from '../common/kube/kube-objects.js';
import { logContainer } from '../logs/log-container.js';

/**
 * The container a terminal runs in, checked before the cluster is asked to start anything: the one requested, else
 * the pod's default as for logs (`logContainer`, as kubectl picks it). A container the pod does not have is 404 (the
 * contract's "container not found"); a pod that has completed, or a container that is not running now, is 409 with
 * what kubectl would say (kubectl exec.go `ExecOptions.Run`: "cannot exec into a container in a completed pod"), since
 * the kubelet would refuse it only after the upgrade, with a less telling message.
 */
export function execContainer(pod: KubePod, requested?: string): string {
  const podName = pod.metadata.name ?? '';
  let container: string;
  try {
    container = logContainer(pod, requested);
  } catch (error) {
    if (requested !== undefined && error instanceof ApiError) throw ApiError.notFound(error.message);
    throw error;
  }
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') {
    throw ApiError.conflict(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  }
  const state = statusOf(pod, container)?.state;
  if (!state?.running) {
    throw ApiError.conflict(`container "${container}" of pod "${podName}" is not running${describeState(state)}`);
  }
  return container;
}

function statusOf(pod: KubePod, container: string): KubeContainerStatus | undefined {
  const lists = [
    pod.status?.containerStatuses,
    pod.status?.initContainerStatuses,
    pod.status?.['ephemeralContainerStatuses'] as KubeContainerStatus[] | undefined,
  ];
  for (const list of lists) {
    const found = Array.isArray(list) ? list.find((status) => status.name === container) : undefined;
    if (found) return found;
  }
  return undefined;
}

function describeState(state: KubeContainerStatus['state']): string {
  if (state?.waiting) return state.waiting.reason ? ` (waiting: ${state.waiting.reason})` : ' (waiting)';
  if (state?.terminated) return state.terminated.reason ? ` (terminated: ${state.terminated.reason})` : ' (terminated)';
  return '';
}
