/**
 * kubectl's READY, STATUS and RESTARTS columns for a pod.
 *
 * A port of `printPod` in kubernetes/kubernetes `pkg/printers/internalversion/printers.go`, Kubernetes v1.35 era
 * (read at yongruilin/kubernetes@144a7980, a fork of upstream carrying the 1.35 changelog, and identical in a
 * second stored copy of the file), with its helpers `hasPodReadyCondition`,
 * `isPodInitializedConditionTrue` and, from pkg/api/pod and pkg/api/v1/pod, `IsRestartableInitContainer` and
 * `IsPodPhaseTerminal`. The API server runs this code to answer `kubectl get pods` (server-side printing), so
 * these are the words kubectl prints. pod-status.spec.ts restates that file's TestPrintPod* tables.
 */
import type {
  KubeContainer,
  KubeContainerStateTerminated,
  KubeContainerStatus,
  KubePod,
  KubePodCondition,
} from '../common/kube/kube-objects.js';

export interface PodReadiness {
  /** Ready regular containers, plus started-and-ready sidecars. */
  ready: number;
  /** Regular containers plus sidecars (restartable init containers). */
  total: number;
}

export interface PodRestarts {
  count: number;
  /** When the most recent counted restart happened (the "(5m ago)" kubectl adds); absent when count is 0. */
  lastRestartAt?: string;
}

export interface PodRow {
  /** STATUS, e.g. `Running`, `CrashLoopBackOff`, `Init:0/2`, `Terminating`. */
  status: string;
  /** READY as kubectl prints it: `ready/total`. */
  ready: string;
  readiness: PodReadiness;
  restarts: PodRestarts;
}

/** STATUS, READY and RESTARTS in one pass over the pod's statuses. */
export function describePodRow(pod: KubePod): PodRow {
  const spec = pod.spec;
  const status = pod.status ?? {};
  const initSpecs = spec.initContainers ?? [];
  const initStatuses = status.initContainerStatuses ?? [];
  const containerStatuses = status.containerStatuses ?? [];

  let restarts = 0;
  let sidecarRestarts = 0;
  let totalContainers = spec.containers.length;
  let readyContainers = 0;
  let lastRestart = NO_RESTART;
  let lastSidecarRestart = NO_RESTART;

  const phase = status.phase ?? '';
  let reason = status.reason || phase;

  // A pod held by spec.schedulingGates carries PodScheduled=False with reason SchedulingGated.
  for (const condition of status.conditions ?? []) {
    if (condition.type === 'PodScheduled' && condition.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  for (const container of initSpecs) {
    if (isRestartable(container)) totalContainers++;
  }

  // Init containers run in order: the first one that has not completed names the status, and no later one is read.
  let initializing = false;
  for (let i = 0; i < initStatuses.length; i++) {
    const container = initStatuses[i];
    const restartable = isRestartable(findInitContainer(initSpecs, container.name, i));
    restarts += container.restartCount ?? 0;
    lastRestart = laterRestart(lastRestart, container);
    if (restartable) {
      sidecarRestarts += container.restartCount ?? 0;
      lastSidecarRestart = laterRestart(lastSidecarRestart, container);
    }
    const terminated = container.state?.terminated;
    const waiting = container.state?.waiting;
    if (terminated && exitCode(terminated) === 0) continue;
    if (restartable && container.started === true) {
      // A started sidecar lets the next init container run.
      if (container.ready) readyContainers++;
      continue;
    }
    if (terminated) {
      reason = terminated.reason
        ? `Init:${terminated.reason}`
        : terminated.signal
          ? `Init:Signal:${terminated.signal}`
          : `Init:ExitCode:${exitCode(terminated)}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  // Once initialized, only sidecars' restarts count with the containers': a completed init container's retries
  // are history. The Initialized condition also covers a sidecar that stopped after initialization.
  if (!initializing || isInitializedConditionTrue(status.conditions)) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    // Last to first, so the first container with something to say sets the status.
    for (let i = containerStatuses.length - 1; i >= 0; i--) {
      const container = containerStatuses[i];
      restarts += container.restartCount ?? 0;
      lastRestart = laterRestart(lastRestart, container);
      const waiting = container.state?.waiting;
      const terminated = container.state?.terminated;
      if (waiting?.reason) {
        reason = waiting.reason;
      } else if (terminated?.reason) {
        reason = terminated.reason;
      } else if (terminated) {
        reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${exitCode(terminated)}`;
      } else if (container.ready && container.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // One container completed while another still runs: the pod is running, or NotReady without Ready=True.
    if (reason === 'Completed' && hasRunning) {
      reason = hasReadyCondition(status.conditions) ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata.deletionTimestamp) {
    // NodeLost: the node controller is evicting pods from an unreachable node, whose fate nobody knows.
    if (status.reason === 'NodeLost') reason = 'Unknown';
    else if (phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  }

  return {
    status: reason,
    ready: `${readyContainers}/${totalContainers}`,
    readiness: { ready: readyContainers, total: totalContainers },
    restarts:
      restarts !== 0 && lastRestart.at !== undefined
        ? { count: restarts, lastRestartAt: lastRestart.at }
        : { count: restarts },
  };
}

/** STATUS as `kubectl get pods` prints it. */
export function podDisplayStatus(pod: KubePod): string {
  return describePodRow(pod).status;
}

/** READY as `kubectl get pods` counts it. */
export function podReadiness(pod: KubePod): PodReadiness {
  return describePodRow(pod).readiness;
}

/** RESTARTS as `kubectl get pods` counts it. */
export function podRestarts(pod: KubePod): PodRestarts {
  return describePodRow(pod).restarts;
}

interface RestartMark {
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly at?: string;
}

// Go's zero time: earlier than any real one.
const NO_RESTART: RestartMark = { time: Number.NEGATIVE_INFINITY };

// Go reads an absent exit code as 0.
function exitCode(terminated: KubeContainerStateTerminated): number {
  return terminated.exitCode ?? 0;
}

// The later of `mark` and the end of the container's last run (lastState.terminated.finishedAt), as printPod
// keeps it with metav1.Time.Before.
function laterRestart(mark: RestartMark, container: KubeContainerStatus): RestartMark {
  const finishedAt = container.lastState?.terminated?.finishedAt;
  if (!finishedAt) return mark;
  const time = Date.parse(finishedAt);
  return time > mark.time ? { time, at: finishedAt } : mark;
}

// The spec of an init container status: statuses normally come in spec order, so try the same index first.
function findInitContainer(specs: readonly KubeContainer[], name: string, index: number): KubeContainer | undefined {
  if (specs[index]?.name === name) return specs[index];
  return specs.find((container) => container.name === name);
}

// podutil.IsRestartableInitContainer: an init container with restartPolicy Always is a sidecar.
function isRestartable(container: KubeContainer | undefined): boolean {
  return container?.restartPolicy === 'Always';
}

// hasPodReadyCondition: any Ready condition that is True.
function hasReadyCondition(conditions: readonly KubePodCondition[] | undefined): boolean {
  return conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
}

// isPodInitializedConditionTrue: the first Initialized condition decides.
function isInitializedConditionTrue(conditions: readonly KubePodCondition[] | undefined): boolean {
  return conditions?.find((condition) => condition.type === 'Initialized')?.status === 'True';
}
