import { ApiError } from '../common/errors/api-error.js';
import type { KubeContainer, KubePod } from '../common/kube/kube-objects.js';

/** The annotation naming the container that `kubectl logs` and `kubectl exec` use when none is given. */
export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

/**
 * The container whose log (or terminal) a request means: the one it names, which must be one of the pod's init,
 * regular or ephemeral containers; else, as kubectl picks it, the container named by the default-container
 * annotation when the pod has it, else the first regular container. As kubectl 1.35 does (seen against the
 * simulator), an annotation naming none of the pod's containers falls back to the first container.
 */
export function logContainer(pod: KubePod, requested?: string): string {
  const podName = pod.metadata.name ?? '';
  if (requested !== undefined) {
    if (namesOf(pod).all.includes(requested)) return requested;
    throw ApiError.badRequest(`container "${requested}" is not valid for pod "${podName}" out of: ${allNames(pod)}`);
  }
  const annotated = pod.metadata.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (annotated && namesOf(pod).all.includes(annotated)) return annotated;
  const first = pod.spec.containers[0]?.name;
  if (first === undefined) throw ApiError.badRequest(`pod "${podName}" has no containers`);
  return first;
}

/** The pod's containers as kubectl lists them: `app, proxy, debugger (ephem), setup (init)`. */
function allNames(pod: KubePod): string {
  const { init, regular, ephemeral } = namesOf(pod);
  return [...regular, ...ephemeral.map((name) => `${name} (ephem)`), ...init.map((name) => `${name} (init)`)].join(
    ', ',
  );
}

function namesOf(pod: KubePod): { init: string[]; regular: string[]; ephemeral: string[]; all: string[] } {
  const names = (containers: unknown): string[] =>
    Array.isArray(containers) ? (containers as KubeContainer[]).map((container) => container.name) : [];
  const init = names(pod.spec.initContainers);
  const regular = names(pod.spec.containers);
  const ephemeral = names(pod.spec['ephemeralContainers']);
  return { init, regular, ephemeral, all: [...init, ...regular, ...ephemeral] };
}
