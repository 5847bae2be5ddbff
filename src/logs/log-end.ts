import type { KubeContainer, KubeContainerStatus, KubePod } from '../common/kube/kube-objects.js';
import type { LogEndReason } from './dto/log-stream.messages.js';

/** The run of a container whose log a stream reads, as the pod showed it when the log was opened. */
export interface LogInstance {
  /** The pod's uid: a pod deleted and created again under the same name is another pod. */
  uid: string;
  container: string;
  /** The container's restartCount then; -1 when it had no status yet. */
  restartCount: number;
  /** The container runtime's id of the run, when the status gives one. */
  containerID?: string;
}

/** What follows the end of a followed log: end the stream, go on with a new run, or wait for the pod to change. */
export type LogEndOutcome =
  { kind: 'end'; reason: LogEndReason } | { kind: 'restarted'; restartCount: number } | { kind: 'wait' };

/**
 * The run of `container` that the kubelet reads for a log request made with `pod` as it is: the running one, the one
 * that terminated, or, while the container waits to be restarted, the one that ran last (kubelet_pods.go
 * `validateContainerLogStatus`, v1.33).
 */
export function logInstance(pod: KubePod, container: string): LogInstance {
  const status = statusOf(pod, container);
  return {
    uid: pod.metadata.uid ?? '',
    container,
    restartCount: status?.restartCount ?? -1,
    containerID: status ? runId(status) : undefined,
  };
}

/**
 * What the end of a followed log of `instance` means, from the pod as it is now (`undefined`: not found).
 * - The pod gone, replaced, or being deleted: `PodDeleted`.
 * - A newer run of the container has started: `restarted` with `followRestarts`, else `ContainerTerminated`.
 * - Otherwise the run ended: without `followRestarts` that is `ContainerTerminated`; with it, `ContainerTerminated`
 *   only when the kubelet will not run the container again (its restart policy, the pod's phase), else `wait` for
 *   the pod to change. A status still showing the run as running (the kubelet reports a little after the log
 *   ends) is waited on too.
 */
export function afterLogEnd(pod: KubePod | undefined, instance: LogInstance, followRestarts: boolean): LogEndOutcome {
  if (!pod || pod.metadata.uid !== instance.uid || pod.metadata.deletionTimestamp) return end('PodDeleted');
  const status = statusOf(pod, instance.container);
  if (status && isNewerRun(status, instance)) {
    return followRestarts ? { kind: 'restarted', restartCount: status.restartCount } : end('ContainerTerminated');
  }
  if (!followRestarts) return end('ContainerTerminated');
  return mayRunAgain(pod, instance.container, status) ? { kind: 'wait' } : end('ContainerTerminated');
}

function end(reason: LogEndReason): LogEndOutcome {
  return { kind: 'end', reason };
}

/** A run other than `instance` has started: it runs, or ran and ended already (not: waits to be started). */
function isNewerRun(status: KubeContainerStatus, instance: LogInstance): boolean {
  if (!status.state?.running && !status.state?.terminated) return false;
  const id = runId(status);
  if (id && instance.containerID) return id !== instance.containerID;
  return status.restartCount > instance.restartCount;
}

/** The runtime's id of the run a status describes: the running or terminated one, or while waiting the last one. */
function runId(status: KubeContainerStatus): string | undefined {
  const state = status.state;
  if (state?.running) return status.containerID || undefined;
  if (state?.terminated) return state.terminated.containerID || status.containerID || undefined;
  return status.lastState?.terminated?.containerID || undefined;
}

/**
 * Whether the kubelet may start the container again (pkg/kubelet/kuberuntime `ShouldContainerBeRestarted`): never
 * in a pod that has finished or for an ephemeral container; a sidecar (an init container with `restartPolicy:
 * Always`) always; an init container that succeeded never, one that failed unless the pod's policy is `Never`; any
 * other container per the pod's `restartPolicy` and its exit code. A run whose exit is not reported yet may.
 */
function mayRunAgain(pod: KubePod, container: string, status: KubeContainerStatus | undefined): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const spec = specOf(pod, container);
  if (!spec) return false;
  const podPolicy = pod.spec.restartPolicy ?? 'Always';
  const exitCode = (status?.state?.terminated ?? (status?.state?.waiting ? status.lastState?.terminated : undefined))
    ?.exitCode;
  if (spec.kind === 'ephemeral') return false;
  if (spec.kind === 'init') {
    if (spec.container.restartPolicy === 'Always') return true;
    if (exitCode === undefined) return true;
    return exitCode !== 0 && podPolicy !== 'Never';
  }
  const policy = spec.container.restartPolicy ?? podPolicy;
  if (policy === 'Always') return true;
  if (policy === 'Never') return exitCode === undefined;
  return exitCode === undefined || exitCode !== 0; // OnFailure
}

function specOf(
  pod: KubePod,
  container: string,
): { kind: 'init' | 'regular' | 'ephemeral'; container: KubeContainer } | undefined {
  const find = (containers: unknown) =>
    Array.isArray(containers) ? (containers as KubeContainer[]).find((entry) => entry.name === container) : undefined;
  const regular = find(pod.spec.containers);
  if (regular) return { kind: 'regular', container: regular };
  const init = find(pod.spec.initContainers);
  if (init) return { kind: 'init', container: init };
  const ephemeral = find(pod.spec['ephemeralContainers']);
  return ephemeral ? { kind: 'ephemeral', container: ephemeral } : undefined;
}

function statusOf(pod: KubePod, container: string): KubeContainerStatus | undefined {
  const status = pod.status;
  if (!status) return undefined;
  const all = [
    ...(status.containerStatuses ?? []),
    ...(status.initContainerStatuses ?? []),
    ...((status['ephemeralContainerStatuses'] as KubeContainerStatus[] | undefined) ?? []),
  ];
  return all.find((entry) => entry.name === container);
}
