import { createHash, randomUUID } from 'node:crypto';
import type { KubeContainer, KubePod } from '../../common/kube/kube-objects.js';
import { applyPodDefaults, podQosClass } from '../api/pod-strategy.js';
import { formatTime } from '../clock.js';
import {
  buildPodStatus,
  normalizeImage,
  terminatedState,
  type ContainerRun,
  type PodRun,
} from '../kubelet/pod-status-builder.js';

export interface ContainerShape {
  name: string;
  image: string;
  ports?: number[];
  requests?: Record<string, string>;
  limits?: Record<string, string>;
  command?: string[];
  args?: string[];
  env?: Record<string, string>;
  readinessProbe?: boolean;
  /** `Always` on an init container: a sidecar. */
  restartPolicy?: 'Always';
}

export interface PodShape {
  namespace: string;
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  owner?: { kind: string; name: string; apiVersion?: string };
  containers: ContainerShape[];
  initContainers?: ContainerShape[];
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  serviceAccountName?: string;
  priorityClassName?: string;
  createdAt: Date;
  uid?: string;
}

/** A pod as the API server would have stored it (defaults applied), with no status yet. */
export function podObject(shape: PodShape): KubePod {
  const toContainer = (container: ContainerShape): KubeContainer => ({
    name: container.name,
    image: container.image,
    ...(container.command ? { command: container.command } : {}),
    ...(container.args ? { args: container.args } : {}),
    ...(container.ports
      ? {
          ports: container.ports.map((port) => ({
            containerPort: port,
            name: port === 9090 || port === 9100 ? 'metrics' : 'http',
            protocol: 'TCP',
          })),
        }
      : {}),
    ...(container.env ? { env: Object.entries(container.env).map(([name, value]) => ({ name, value })) } : {}),
    resources: {
      ...(container.requests ? { requests: container.requests } : {}),
      ...(container.limits ? { limits: container.limits } : {}),
    },
    ...(container.readinessProbe
      ? {
          readinessProbe: {
            httpGet: { path: '/healthz', port: container.ports?.[0] ?? 8080, scheme: 'HTTP' },
            periodSeconds: 10,
            timeoutSeconds: 1,
            successThreshold: 1,
            failureThreshold: 3,
          },
        }
      : {}),
    ...(container.restartPolicy ? { restartPolicy: container.restartPolicy } : {}),
  });
  const owner = shape.owner;
  const pod: KubePod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: shape.name,
      namespace: shape.namespace,
      uid: shape.uid ?? randomUUID(),
      creationTimestamp: formatTime(shape.createdAt),
      generation: 1,
      ...(shape.labels ? { labels: shape.labels } : {}),
      ...(shape.annotations ? { annotations: shape.annotations } : {}),
      ...(owner
        ? {
            ownerReferences: [
              {
                apiVersion:
                  owner.apiVersion ?? (owner.kind === 'Job' ? 'batch/v1' : owner.kind === 'Node' ? 'v1' : 'apps/v1'),
                kind: owner.kind,
                name: owner.name,
                uid: uidFor(`${shape.namespace}/${owner.kind}/${owner.name}`),
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          }
        : {}),
    },
    spec: {
      containers: shape.containers.map(toContainer),
      ...(shape.initContainers ? { initContainers: shape.initContainers.map(toContainer) } : {}),
      restartPolicy: shape.restartPolicy ?? 'Always',
      ...(shape.nodeName ? { nodeName: shape.nodeName } : {}),
      ...(shape.nodeSelector ? { nodeSelector: shape.nodeSelector } : {}),
      ...(shape.tolerations ? { tolerations: shape.tolerations } : {}),
      ...(shape.serviceAccountName ? { serviceAccountName: shape.serviceAccountName } : {}),
      ...(shape.priorityClassName ? { priorityClassName: shape.priorityClassName } : {}),
    },
  };
  applyPodDefaults(pod);
  return pod;
}

export type PodState =
  | 'Running'
  | 'NotReady'
  | 'CrashLoopBackOff'
  | 'Completed'
  | 'Error'
  | 'OOMKilled'
  | 'ImagePullBackOff'
  | 'ContainerCreating'
  | 'Init'
  | 'Unschedulable';

export interface StatusOptions {
  now: Date;
  /** When the current containers started (default: the pod's creation time plus a few seconds). */
  startedAt?: Date;
  restarts?: number;
  /** When the last restart happened (RESTARTS shows `(x ago)`). */
  lastRestartAt?: Date;
  hostIP?: string;
  podIP?: string;
  exitCode?: number;
  /** The scheduler's message for an unschedulable pod. */
  message?: string;
}

/**
 * Writes the status a pod in `state` has, built with the kubelet's own status builder so that the scheduled states
 * and the live ones cannot drift apart. Used for the demo seed and the scale mode.
 */
export function withStatus(pod: KubePod, state: PodState, options: StatusOptions): KubePod {
  const created = Date.parse(pod.metadata.creationTimestamp ?? '') || options.now.getTime();
  const startedAt = options.startedAt ?? new Date(Math.min(options.now.getTime(), created + 4000));
  const started = formatTime(startedAt);
  if (state === 'Unschedulable') {
    pod.status = {
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          lastProbeTime: null,
          lastTransitionTime: formatTime(new Date(created)),
          reason: 'Unschedulable',
          message:
            options.message ??
            '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
        },
      ],
      qosClass: podQosClass(pod.spec),
    };
    return pod;
  }
  const restarts = options.restarts ?? 0;
  const lastRestart = options.lastRestartAt ?? new Date(Math.max(created, options.now.getTime() - 120_000));
  const ids = (container: KubeContainer, instance: number) => ({
    containerID: `containerd://${containerId(`${pod.metadata.uid}/${container.name}/${instance}`)}`,
    imageID: `${normalizeImage(container.image ?? '').replace(/:[^:/]+$/, '')}@sha256:${imageDigest(container.image ?? '')}`,
  });
  const lastTerminated = (container: KubeContainer, reason: string, exitCode: number) =>
    restarts > 0
      ? {
          terminated: terminatedState(
            exitCode,
            formatTime(new Date(lastRestart.getTime() - 30_000)),
            formatTime(lastRestart),
            ids(container, restarts - 1).containerID,
            reason,
          ),
        }
      : {};
  const running = (container: KubeContainer, kind: ContainerRun['kind'], ready = true): ContainerRun => ({
    name: container.name,
    image: container.image ?? '',
    kind,
    restartCount: kind === 'regular' ? restarts : 0,
    state: { running: { startedAt: restarts > 0 && kind === 'regular' ? formatTime(lastRestart) : started } },
    lastState: kind === 'regular' ? lastTerminated(container, 'Error', 1) : {},
    ready,
    started: true,
    ...ids(container, restarts),
  });
  const waiting = (
    container: KubeContainer,
    kind: ContainerRun['kind'],
    reason: string,
    message?: string,
  ): ContainerRun => ({
    name: container.name,
    image: container.image ?? '',
    kind,
    restartCount: 0,
    state: { waiting: { reason, ...(message ? { message } : {}) } },
    lastState: {},
    ready: false,
    started: false,
  });
  const terminated = (
    container: KubeContainer,
    kind: ContainerRun['kind'],
    exitCode: number,
    reason?: string,
  ): ContainerRun => ({
    name: container.name,
    image: container.image ?? '',
    kind,
    restartCount: kind === 'regular' ? restarts : 0,
    state: {
      terminated: terminatedState(
        exitCode,
        started,
        formatTime(new Date(startedAt.getTime() + 45_000)),
        ids(container, restarts).containerID,
        reason,
      ),
    },
    lastState: kind === 'regular' ? lastTerminated(container, reason ?? 'Error', exitCode) : {},
    ready: false,
    started: false,
    imageID: ids(container, restarts).imageID,
  });
  const initSpecs = pod.spec.initContainers ?? [];
  const completedInit = initSpecs.map((container) =>
    container.restartPolicy === 'Always'
      ? running(container, 'sidecar')
      : terminated(container, 'init', 0, 'Completed'),
  );
  const specs = pod.spec.containers;
  let init = completedInit;
  let containers: ContainerRun[];
  let sandboxReady = true;
  switch (state) {
    case 'Running':
      containers = specs.map((container) => running(container, 'regular'));
      break;
    case 'NotReady':
      containers = specs.map((container, index) => running(container, 'regular', index !== 0));
      break;
    case 'CrashLoopBackOff':
      containers = specs.map((container, index) =>
        index === 0
          ? {
              ...running(container, 'regular', false),
              state: {
                waiting: {
                  reason: 'CrashLoopBackOff',
                  message: `back-off 5m0s restarting failed container=${container.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
                },
              },
              started: false,
              lastState: lastTerminated(container, 'Error', options.exitCode ?? 1),
            }
          : running(container, 'regular'),
      );
      break;
    case 'OOMKilled':
      containers = specs.map((container, index) =>
        index === 0 ? terminated(container, 'regular', 137, 'OOMKilled') : running(container, 'regular'),
      );
      break;
    case 'Completed':
      containers = specs.map((container) => terminated(container, 'regular', 0, 'Completed'));
      init = init.map((container) =>
        container.kind === 'sidecar'
          ? {
              ...container,
              state: {
                terminated: terminatedState(
                  0,
                  started,
                  formatTime(new Date(startedAt.getTime() + 46_000)),
                  container.containerID,
                  'Completed',
                ),
              },
              ready: false,
            }
          : container,
      );
      break;
    case 'Error':
      containers = specs.map((container) => terminated(container, 'regular', options.exitCode ?? 1, 'Error'));
      break;
    case 'ImagePullBackOff':
      containers = specs.map((container, index) =>
        index === 0
          ? waiting(container, 'regular', 'ImagePullBackOff', `Back-off pulling image "${container.image ?? ''}"`)
          : running(container, 'regular'),
      );
      break;
    case 'ContainerCreating':
      sandboxReady = false;
      init = initSpecs.map((container) =>
        waiting(container, container.restartPolicy === 'Always' ? 'sidecar' : 'init', 'PodInitializing'),
      );
      containers = specs.map((container) =>
        waiting(container, 'regular', initSpecs.length > 0 ? 'PodInitializing' : 'ContainerCreating'),
      );
      break;
    case 'Init':
      init = initSpecs.map((container, index) =>
        index === 0
          ? { ...running(container, 'init', false), restartCount: 0, lastState: {} }
          : waiting(container, 'init', 'PodInitializing'),
      );
      containers = specs.map((container) => waiting(container, 'regular', 'PodInitializing'));
      break;
  }
  const run: PodRun = {
    hostIP: options.hostIP ?? '172.18.0.3',
    ...(sandboxReady ? { podIP: options.podIP ?? '10.244.1.10' } : {}),
    startTime: formatTime(new Date(created + 1000)),
    sandboxReady,
    init,
    containers,
    terminal: false,
  };
  pod.status = buildPodStatus(pod, run, new Date(Math.min(options.now.getTime(), startedAt.getTime() + 5000)));
  return pod;
}

const imageDigests = new Map<string, string>();

/** A sha256 of the image name, computed once per image. */
function imageDigest(image: string): string {
  let digest = imageDigests.get(image);
  if (!digest) imageDigests.set(image, (digest = createHash('sha256').update(image).digest('hex')));
  return digest;
}

/** 64 hex digits that depend only on `key`: a cheap FNV-1a spread (the scale mode writes hundreds of thousands). */
function containerId(key: string): string {
  let hex = '';
  for (let round = 0; round < 8; round++) {
    let hash = 0x811c9dc5 ^ round;
    for (let index = 0; index < key.length; index++) hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193);
    hex += (hash >>> 0).toString(16).padStart(8, '0');
  }
  return hex;
}

/** A stable uid for an owner (Deployment's ReplicaSet, Job, StatefulSet) named in several pods. */
export function uidFor(key: string): string {
  const hex = createHash('sha1').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
