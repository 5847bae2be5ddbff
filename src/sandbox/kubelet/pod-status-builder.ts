import type {
  KubeContainerState,
  KubeContainerStateTerminated,
  KubeContainerStatus,
  KubePod,
  KubePodCondition,
  KubePodStatus,
} from '../../common/kube/kube-objects.js';
import { podQosClass } from '../api/pod-strategy.js';
import { formatTime } from '../clock.js';

/** The kubelet's view of one container of a pod it runs. */
export interface ContainerRun {
  name: string;
  image: string;
  kind: 'init' | 'sidecar' | 'regular';
  restartCount: number;
  state: KubeContainerState;
  lastState: KubeContainerState;
  ready: boolean;
  started: boolean;
  containerID?: string;
  imageID?: string;
}

export interface PodRun {
  hostIP: string;
  podIP?: string;
  startTime: string;
  sandboxReady: boolean;
  init: ContainerRun[];
  containers: ContainerRun[];
  /** The pod is finished for good (deleted, or all containers done under a restart policy that ends it). */
  terminal: boolean;
}

/**
 * The status a 1.35 kubelet reports for a pod (pkg/kubelet/kubelet_pods.go generateAPIPodStatus, getPhase, and
 * pkg/kubelet/status/generate.go for the conditions), from the simulated runtime state. Transition times are
 * kept from `previous` while a condition does not change.
 */
export function buildPodStatus(pod: KubePod, run: PodRun, now: Date, previous?: KubePodStatus): KubePodStatus {
  const phase = podPhase(pod, run);
  const completed = phase === 'Succeeded' || phase === 'Failed';
  const initPending = run.init.filter((container) => container.kind === 'init' && !isCompletedInit(container));
  const initialized = initPending.length === 0;
  const notReady = [...run.init.filter((container) => container.kind === 'sidecar'), ...run.containers]
    .filter((container) => !container.ready)
    .map((container) => container.name);
  const ready = initialized && notReady.length === 0 && !completed && !run.terminal;
  const at = formatTime(now);
  const condition = (type: string, status: boolean, reason?: string, message?: string): KubePodCondition => {
    const old = previous?.conditions?.find((candidate) => candidate.type === type);
    const value = status ? 'True' : 'False';
    return {
      type,
      status: value,
      lastProbeTime: null,
      lastTransitionTime: old && old.status === value ? old.lastTransitionTime : at,
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
    };
  };
  const conditions: KubePodCondition[] = [
    condition('PodReadyToStartContainers', run.sandboxReady && !completed),
    completed
      ? condition('Initialized', true, 'PodCompleted')
      : initialized
        ? condition('Initialized', true)
        : condition(
            'Initialized',
            false,
            'ContainersNotInitialized',
            `containers with incomplete status: [${initPending.map((container) => container.name).join(' ')}]`,
          ),
    completed
      ? condition('Ready', false, 'PodCompleted')
      : ready
        ? condition('Ready', true)
        : condition('Ready', false, 'ContainersNotReady', `containers with unready status: [${notReady.join(' ')}]`),
    completed
      ? condition('ContainersReady', false, 'PodCompleted')
      : ready
        ? condition('ContainersReady', true)
        : condition(
            'ContainersReady',
            false,
            'ContainersNotReady',
            `containers with unready status: [${notReady.join(' ')}]`,
          ),
    condition('PodScheduled', true),
  ];
  const status: KubePodStatus = {
    phase,
    conditions,
    hostIP: run.hostIP,
    hostIPs: [{ ip: run.hostIP }],
    ...(run.podIP ? { podIP: run.podIP, podIPs: [{ ip: run.podIP }] } : {}),
    startTime: run.startTime,
    ...(run.init.length > 0 ? { initContainerStatuses: run.init.map(containerStatus) } : {}),
    containerStatuses: run.containers.map(containerStatus),
    qosClass: previous?.qosClass ?? podQosClass(pod.spec),
  };
  return status;
}

function containerStatus(container: ContainerRun): KubeContainerStatus {
  return {
    name: container.name,
    state: container.state,
    lastState: container.lastState,
    ready: container.ready,
    restartCount: container.restartCount,
    image: container.imageID ? normalizeImage(container.image) : container.image,
    imageID: container.imageID ?? '',
    ...(container.containerID ? { containerID: container.containerID } : {}),
    started: container.started,
  };
}

function isCompletedInit(container: ContainerRun): boolean {
  return container.state.terminated?.exitCode === 0;
}

/**
 * getPhase (pkg/kubelet/kubelet_pods.go, v1.35): Pending while initialising or while a container has never
 * started, Running while one runs or restarts, Succeeded/Failed once every container is done for good.
 */
export function podPhase(pod: KubePod, run: PodRun): 'Pending' | 'Running' | 'Succeeded' | 'Failed' {
  const restartPolicy = pod.spec.restartPolicy ?? 'Always';
  let pendingInitialization = 0;
  let failedInitialization = 0;
  for (const container of run.init) {
    if (container.kind === 'sidecar') {
      if (!container.started) pendingInitialization++;
      continue;
    }
    const terminated = container.state.terminated;
    if (terminated?.exitCode === 0) continue;
    if (
      terminated ||
      (container.state.waiting && container.lastState.terminated && container.lastState.terminated.exitCode !== 0)
    )
      failedInitialization++;
    pendingInitialization++;
  }
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const container of run.containers) {
    if (container.state.running) running++;
    else if (container.state.terminated) {
      stopped++;
      if (container.state.terminated.exitCode === 0) succeeded++;
    } else if (container.state.waiting) {
      if (container.lastState.terminated) stopped++;
      else waiting++;
    }
  }
  if (failedInitialization > 0 && restartPolicy === 'Never') return 'Failed';
  const anyRegularStarted = run.containers.some(
    (container) => container.started || container.restartCount > 0 || container.state.terminated,
  );
  if ((pendingInitialization > 0 && !anyRegularStarted) || waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (run.terminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

/** `nginx:1.27` → `docker.io/library/nginx:1.27`, as container runtimes report the image they ran. */
export function normalizeImage(image: string): string {
  let name = image;
  const slash = name.indexOf('/');
  const first = slash >= 0 ? name.slice(0, slash) : '';
  if (slash < 0) name = `docker.io/library/${name}`;
  else if (!first.includes('.') && !first.includes(':') && first !== 'localhost') name = `docker.io/${name}`;
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  if (!lastSegment.includes(':') && !name.includes('@')) name = `${name}:latest`;
  return name;
}

export function terminatedState(
  exitCode: number,
  startedAt: string,
  finishedAt: string,
  containerID: string | undefined,
  reason?: string,
): KubeContainerStateTerminated {
  return {
    exitCode,
    reason: reason ?? (exitCode === 0 ? 'Completed' : 'Error'),
    startedAt,
    finishedAt,
    ...(containerID ? { containerID } : {}),
  };
}
