import type { KubeContainer, KubeContainerStatus, KubePod } from '../../common/kube/kube-objects.js';
import { KubeStatusError } from '../kube-status-error.js';

/**
 * The containers of a pod as the API server and the kubelet look them up for `pods/log` and `pods/exec`.
 */

/** Every container of the pod in `podutil.VisitContainers` order: init containers, containers, ephemeral containers. */
export function allContainers(pod: KubePod): KubeContainer[] {
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers, ...ephemeralContainers(pod)];
}

/**
 * The container a request names, or the pod's only container when it names none; otherwise the API server's 400.
 * Port of `validateContainer`, pkg/registry/core/pod/strategy.go (Kubernetes v1.33).
 */
export function chooseContainer(pod: KubePod, requested: string): string {
  const podName = pod.metadata.name ?? '';
  if (requested === '') {
    // Only the regular containers count here: one container plus init containers needs no choice.
    if (pod.spec.containers.length === 1) return pod.spec.containers[0].name;
    if (pod.spec.containers.length === 0) {
      throw KubeStatusError.badRequest(`a container name must be specified for pod ${podName}`);
    }
    const names = allContainers(pod).map((container) => container.name);
    // Go's %s of a []string: `[a b c]`.
    throw KubeStatusError.badRequest(
      `a container name must be specified for pod ${podName}, choose one of: [${names.join(' ')}]`,
    );
  }
  if (!allContainers(pod).some((container) => container.name === requested)) {
    throw KubeStatusError.badRequest(`container ${requested} is not valid for pod ${podName}`);
  }
  return requested;
}

/** The status the kubelet reports for a container: regular, then init, then ephemeral (`validateContainerLogStatus`). */
export function containerStatus(pod: KubePod, container: string): KubeContainerStatus | undefined {
  const status = pod.status;
  const lists = [status?.containerStatuses, status?.initContainerStatuses, ephemeralStatuses(pod)];
  for (const list of lists) {
    const found = list?.find((entry) => entry.name === container);
    if (found) return found;
  }
  return undefined;
}

/** The container's spec wherever it is declared. */
export function containerSpec(pod: KubePod, container: string): KubeContainer | undefined {
  return allContainers(pod).find((entry) => entry.name === container);
}

function ephemeralContainers(pod: KubePod): KubeContainer[] {
  const value = pod.spec['ephemeralContainers'];
  return Array.isArray(value) ? (value as KubeContainer[]).filter((entry) => typeof entry?.name === 'string') : [];
}

function ephemeralStatuses(pod: KubePod): KubeContainerStatus[] | undefined {
  const value = pod.status?.['ephemeralContainerStatuses'];
  return Array.isArray(value) ? (value as KubeContainerStatus[]) : undefined;
}
