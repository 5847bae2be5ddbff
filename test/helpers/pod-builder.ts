/**
 * `aPod()`: pods for tests, described by what they are rather than copied as fixtures.
 *
 *   aPod('web-0').inNamespace('shop').onNode('node-1').running()
 *   aPod('job-1').completed()
 *   aPod('api-0').withSidecar('proxy').crashLooping(7)
 *   aPod('db-0').withContainerStatus('app', containerState.waiting('ImagePullBackOff'))
 *
 * A lifecycle (`pending()`, `running()`, `crashLooping()`, …) fills in the phase, conditions and a status for every
 * container as the kubelet would report it; explicit `with…Status()` calls override single statuses, whatever
 * the order of calls. All times are fixed, so rows built from the same calls are equal.
 */
import type {
  KubeContainer,
  KubeContainerStatus,
  KubeObjectMeta,
  KubePod,
  KubePodCondition,
  KubePodSpec,
  KubePodStatus,
} from '../../src/common/kube/kube-objects.js';

/** Creation time of every built pod unless `createdAt()` says otherwise. */
export const POD_CREATED_AT = '2026-01-01T00:00:00Z';
/** When the last run of a restarted container ended, unless given. */
export const LAST_RESTART_AT = '2026-01-01T00:10:00Z';
/** The deletion timestamp `terminating()` sets unless given. */
export const DELETION_REQUESTED_AT = '2026-01-01T01:00:00Z';

/** A container status without its name: what `containerState.*` produce and `with…Status()` take. */
export type ContainerStatusPatch = Partial<Omit<KubeContainerStatus, 'name'>>;

export interface ContainerStatusOptions {
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  /** lastState.terminated.finishedAt: when the previous run ended (kubectl's "(5m ago)"). */
  lastTerminatedAt?: string;
}

/** Container statuses as the kubelet reports them. */
export const containerState = {
  /** Running; ready and started unless told otherwise. */
  running(options: ContainerStatusOptions = {}): ContainerStatusPatch {
    return withOptions({ ready: true, started: true, state: { running: { startedAt: POD_CREATED_AT } } }, options);
  },
  /** Waiting, e.g. `ContainerCreating`, `CrashLoopBackOff`, `ImagePullBackOff`; no reason when omitted. */
  waiting(reason?: string, options: ContainerStatusOptions = {}): ContainerStatusPatch {
    return withOptions({ ready: false, started: false, state: { waiting: reason ? { reason } : {} } }, options);
  },
  /** Terminated with `exitCode`, and `reason` / `signal` when given (`Completed`, `Error`, `OOMKilled`). */
  terminated(
    exitCode: number,
    reason?: string,
    options: ContainerStatusOptions & { signal?: number } = {},
  ): ContainerStatusPatch {
    const terminated = { exitCode, finishedAt: POD_CREATED_AT, ...(reason ? { reason } : {}) };
    if (options.signal !== undefined) Object.assign(terminated, { signal: options.signal });
    return withOptions({ ready: false, started: false, state: { terminated } }, options);
  },
  /** A status with no state at all (the kubelet has not reported yet). */
  unknown(options: ContainerStatusOptions = {}): ContainerStatusPatch {
    return withOptions({ ready: false }, options);
  },
};

function withOptions(patch: ContainerStatusPatch, options: ContainerStatusOptions): ContainerStatusPatch {
  const result: ContainerStatusPatch = { ...patch, restartCount: options.restartCount ?? 0 };
  if (options.ready !== undefined) result.ready = options.ready;
  if (options.started !== undefined) result.started = options.started;
  if (options.lastTerminatedAt !== undefined) {
    result.lastState = { terminated: { exitCode: 1, reason: 'Error', finishedAt: options.lastTerminatedAt } };
  }
  return result;
}

type Lifecycle =
  | { kind: 'none' }
  | { kind: 'pending' }
  | { kind: 'containerCreating' }
  | { kind: 'running' }
  | { kind: 'crashLooping'; restarts: number }
  | { kind: 'completed' }
  | { kind: 'failed'; exitCode: number; reason: string }
  | { kind: 'evicted' }
  | { kind: 'schedulingGated' };

export function aPod(name = 'pod-0'): PodBuilder {
  return new PodBuilder(name);
}

export class PodBuilder {
  private readonly metadata: KubeObjectMeta;
  private readonly spec: KubePodSpec;
  private lifecycle: Lifecycle = { kind: 'pending' };
  private phase?: string;
  private reason?: string;
  private message?: string;
  private podIP?: string;
  private hostIP?: string;
  private nominatedNodeName?: string;
  private readonly conditions = new Map<string, KubePodCondition>();
  private readonly containerStatuses = new Map<string, ContainerStatusPatch>();
  private readonly initContainerStatuses = new Map<string, ContainerStatusPatch>();
  private statusPatch: Partial<KubePodStatus> = {};

  constructor(name: string) {
    this.metadata = { name, namespace: 'default', uid: `uid-default-${name}`, creationTimestamp: POD_CREATED_AT };
    this.spec = {
      containers: [container('app')],
      restartPolicy: 'Always',
      serviceAccountName: 'default',
      schedulerName: 'default-scheduler',
    };
  }

  // ---- metadata

  inNamespace(namespace: string): this {
    this.metadata.namespace = namespace;
    this.metadata.uid = `uid-${namespace}-${this.metadata.name}`;
    return this;
  }

  withUid(uid: string): this {
    this.metadata.uid = uid;
    return this;
  }

  withLabels(labels: Record<string, string>): this {
    this.metadata.labels = { ...this.metadata.labels, ...labels };
    return this;
  }

  withAnnotations(annotations: Record<string, string>): this {
    this.metadata.annotations = { ...this.metadata.annotations, ...annotations };
    return this;
  }

  createdAt(timestamp: string): this {
    this.metadata.creationTimestamp = timestamp;
    return this;
  }

  ownedBy(kind: string, name: string, apiVersion = 'apps/v1'): this {
    this.metadata.ownerReferences = [{ apiVersion, kind, name, uid: `uid-${name}`, controller: true }];
    return this;
  }

  /** Deletion requested (deletionTimestamp set): kubectl prints `Terminating` until the pod is gone. */
  terminating(at = DELETION_REQUESTED_AT, gracePeriodSeconds = 30): this {
    this.metadata.deletionTimestamp = at;
    this.metadata.deletionGracePeriodSeconds = gracePeriodSeconds;
    return this;
  }

  // ---- spec

  onNode(nodeName: string): this {
    this.spec.nodeName = nodeName;
    return this;
  }

  /** Replaces the containers (one `app` container by default); names or full specs. */
  withContainers(...containers: (string | KubeContainer)[]): this {
    this.spec.containers = containers.map((entry) => (typeof entry === 'string' ? container(entry) : entry));
    return this;
  }

  /** Adds classic init containers, which run to completion one after another. */
  withInitContainers(...names: string[]): this {
    this.spec.initContainers = [...(this.spec.initContainers ?? []), ...names.map((name) => container(name))];
    return this;
  }

  /** Adds a sidecar: an init container with `restartPolicy: Always`, running beside the containers. */
  withSidecar(name: string): this {
    this.spec.initContainers = [...(this.spec.initContainers ?? []), { ...container(name), restartPolicy: 'Always' }];
    return this;
  }

  withImage(containerName: string, image: string): this {
    const target = [...this.spec.containers, ...(this.spec.initContainers ?? [])].find((c) => c.name === containerName);
    if (!target) throw new Error(`aPod(): no container "${containerName}"`);
    target.image = image;
    return this;
  }

  withRestartPolicy(restartPolicy: 'Always' | 'OnFailure' | 'Never'): this {
    this.spec.restartPolicy = restartPolicy;
    return this;
  }

  withServiceAccount(serviceAccountName: string): this {
    this.spec.serviceAccountName = serviceAccountName;
    return this;
  }

  withSchedulerName(schedulerName: string): this {
    this.spec.schedulerName = schedulerName;
    return this;
  }

  withHostNetwork(hostNetwork = true): this {
    this.spec.hostNetwork = hostNetwork;
    return this;
  }

  // ---- lifecycles (each replaces the previous one)

  /** Accepted, not running yet: phase Pending, no container statuses. */
  pending(): this {
    return this.setLifecycle({ kind: 'pending' });
  }

  /** Scheduled, images being pulled: every container waiting in `ContainerCreating`. */
  containerCreating(): this {
    return this.setLifecycle({ kind: 'containerCreating' });
  }

  /** Phase Running, init containers done, every container (and sidecar) running and ready. */
  running(): this {
    return this.setLifecycle({ kind: 'running' });
  }

  /** Running, but the first container keeps failing: waiting in `CrashLoopBackOff` after `restarts` restarts. */
  crashLooping(restarts = 5): this {
    return this.setLifecycle({ kind: 'crashLooping', restarts });
  }

  /** Phase Succeeded: every container terminated with `Completed`, exit code 0. */
  completed(): this {
    return this.setLifecycle({ kind: 'completed' });
  }

  /** Phase Failed: every container terminated with `reason` and `exitCode`. */
  failed(exitCode = 1, reason = 'Error'): this {
    return this.setLifecycle({ kind: 'failed', exitCode, reason });
  }

  /** Evicted by the kubelet: phase Failed, reason `Evicted`, no container statuses. */
  evicted(): this {
    return this.setLifecycle({ kind: 'evicted' });
  }

  /** Held back by scheduling gates: phase Pending with PodScheduled=False/SchedulingGated. */
  schedulingGated(...gates: string[]): this {
    this.spec.schedulingGates = (gates.length > 0 ? gates : ['example.com/gate']).map((name) => ({ name }));
    return this.setLifecycle({ kind: 'schedulingGated' });
  }

  /** No lifecycle: only what the `with…` calls say (for tables that spell out every status). */
  withNoLifecycle(): this {
    return this.setLifecycle({ kind: 'none' });
  }

  // ---- explicit status

  withPhase(phase: string): this {
    this.phase = phase;
    return this;
  }

  /** status.reason, e.g. `Evicted`, `NodeLost`. */
  withReason(reason: string, message?: string): this {
    this.reason = reason;
    this.message = message;
    return this;
  }

  /** Adds a condition, or replaces the one of the same type. */
  withCondition(type: string, status: 'True' | 'False' | 'Unknown', reason?: string): this {
    this.conditions.set(type, { type, status, lastTransitionTime: POD_CREATED_AT, ...(reason ? { reason } : {}) });
    return this;
  }

  withPodIP(podIP: string): this {
    this.podIP = podIP;
    return this;
  }

  withHostIP(hostIP: string): this {
    this.hostIP = hostIP;
    return this;
  }

  withNominatedNode(nodeName: string): this {
    this.nominatedNodeName = nodeName;
    return this;
  }

  /** Sets one container's status (see `containerState`); a name absent from the spec is reported after the others. */
  withContainerStatus(name: string, status: ContainerStatusPatch): this {
    this.containerStatuses.set(name, status);
    return this;
  }

  withInitContainerStatus(name: string, status: ContainerStatusPatch): this {
    this.initContainerStatuses.set(name, status);
    return this;
  }

  /** Last word on the status, merged field by field over everything else. */
  withStatus(patch: Partial<KubePodStatus>): this {
    this.statusPatch = { ...this.statusPatch, ...patch };
    return this;
  }

  build(): KubePod {
    const spec = structuredClone(this.spec);
    const generated = this.generatedStatus(spec);
    const status: KubePodStatus = {};
    const phase = this.phase ?? generated.phase;
    const reason = this.reason ?? generated.reason;
    const message = this.message ?? generated.message;
    if (phase !== undefined) status.phase = phase;
    if (reason !== undefined) status.reason = reason;
    if (message !== undefined) status.message = message;
    const conditions = new Map(generated.conditions.map((condition) => [condition.type, condition]));
    for (const [type, condition] of this.conditions) conditions.set(type, { ...condition });
    if (conditions.size > 0) status.conditions = [...conditions.values()];

    const hostIP = this.hostIP ?? generated.hostIP;
    const podIP = this.podIP ?? generated.podIP;
    if (hostIP) Object.assign(status, { hostIP, hostIPs: [{ ip: hostIP }] });
    if (podIP) Object.assign(status, { podIP, podIPs: [{ ip: podIP }] });
    if (this.nominatedNodeName) status.nominatedNodeName = this.nominatedNodeName;
    if (generated.running) status.startTime = POD_CREATED_AT;

    const initStatuses = mergeStatuses(spec.initContainers ?? [], generated.initContainer, this.initContainerStatuses);
    const containerStatuses = mergeStatuses(spec.containers, generated.container, this.containerStatuses);
    if (initStatuses.length > 0) status.initContainerStatuses = initStatuses;
    if (containerStatuses.length > 0) status.containerStatuses = containerStatuses;
    if (status.phase === 'Running' || status.phase === 'Succeeded' || status.phase === 'Failed')
      status.qosClass = 'BestEffort';

    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: structuredClone(this.metadata),
      spec,
      status: { ...status, ...structuredClone(this.statusPatch) },
    };
  }

  private setLifecycle(lifecycle: Lifecycle): this {
    this.lifecycle = lifecycle;
    return this;
  }

  private generatedStatus(spec: KubePodSpec): GeneratedStatus {
    const scheduled = spec.nodeName !== undefined;
    const base: GeneratedStatus = { phase: 'Pending', conditions: [], running: false };
    const nodeIPs = scheduled ? { hostIP: '10.0.0.10' } : {};
    switch (this.lifecycle.kind) {
      case 'none':
        return { ...base, phase: undefined };
      case 'pending':
        return base;
      case 'schedulingGated':
        return { ...base, conditions: [condition('PodScheduled', 'False', 'SchedulingGated')] };
      case 'containerCreating':
        return {
          ...base,
          ...nodeIPs,
          conditions: lifecycleConditions({ initialized: true, ready: false, reason: 'ContainersNotReady' }),
          initContainer: (c) => (isSidecar(c) ? containerState.running() : completedStatus()),
          container: () => containerState.waiting('ContainerCreating'),
        };
      case 'running':
        return {
          ...base,
          ...nodeIPs,
          phase: 'Running',
          running: true,
          podIP: '10.244.0.10',
          conditions: lifecycleConditions({ initialized: true, ready: true }),
          initContainer: (c) => (isSidecar(c) ? containerState.running() : completedStatus()),
          container: () => containerState.running(),
        };
      case 'crashLooping': {
        const { restarts } = this.lifecycle;
        const crashing = spec.containers[0]?.name;
        return {
          ...base,
          ...nodeIPs,
          phase: 'Running',
          running: true,
          podIP: '10.244.0.10',
          conditions: lifecycleConditions({ initialized: true, ready: false, reason: 'ContainersNotReady' }),
          initContainer: (c) => (isSidecar(c) ? containerState.running() : completedStatus()),
          container: (c) =>
            c.name === crashing
              ? containerState.waiting('CrashLoopBackOff', {
                  restartCount: restarts,
                  lastTerminatedAt: LAST_RESTART_AT,
                })
              : containerState.running(),
        };
      }
      case 'completed':
        return {
          ...base,
          ...nodeIPs,
          phase: 'Succeeded',
          running: true,
          conditions: lifecycleConditions({ initialized: true, ready: false, reason: 'PodCompleted' }),
          initContainer: () => completedStatus(),
          container: () => completedStatus(),
        };
      case 'failed': {
        const { exitCode, reason } = this.lifecycle;
        return {
          ...base,
          ...nodeIPs,
          phase: 'Failed',
          running: true,
          conditions: lifecycleConditions({ initialized: true, ready: false, reason: 'PodFailed' }),
          initContainer: () => completedStatus(),
          container: () => containerState.terminated(exitCode, reason),
        };
      }
      case 'evicted':
        return {
          ...base,
          ...nodeIPs,
          phase: 'Failed',
          running: true,
          reason: 'Evicted',
          message: 'The node was low on resource: memory.',
        };
    }
  }
}

interface GeneratedStatus {
  phase?: string;
  reason?: string;
  message?: string;
  conditions: KubePodCondition[];
  running: boolean;
  hostIP?: string;
  podIP?: string;
  initContainer?: (container: KubeContainer) => ContainerStatusPatch;
  container?: (container: KubeContainer) => ContainerStatusPatch;
}

function container(name: string): KubeContainer {
  return { name, image: 'nginx:1.27' };
}

function isSidecar(container: KubeContainer): boolean {
  return container.restartPolicy === 'Always';
}

function completedStatus(): ContainerStatusPatch {
  return containerState.terminated(0, 'Completed');
}

function condition(type: string, status: 'True' | 'False', reason?: string): KubePodCondition {
  return { type, status, lastTransitionTime: POD_CREATED_AT, ...(reason ? { reason } : {}) };
}

function lifecycleConditions({
  initialized,
  ready,
  reason,
}: {
  initialized: boolean;
  ready: boolean;
  reason?: string;
}) {
  const readiness = ready ? 'True' : 'False';
  return [
    condition('PodReadyToStartContainers', 'True'),
    condition('Initialized', initialized ? 'True' : 'False'),
    condition('Ready', readiness, ready ? undefined : reason),
    condition('ContainersReady', readiness, ready ? undefined : reason),
    condition('PodScheduled', 'True'),
  ];
}

// Statuses in spec order (the kubelet's order), explicit ones replacing generated ones; explicit statuses for
// names the spec lacks come last.
function mergeStatuses(
  containers: readonly KubeContainer[],
  generate: ((container: KubeContainer) => ContainerStatusPatch) | undefined,
  explicit: ReadonlyMap<string, ContainerStatusPatch>,
): KubeContainerStatus[] {
  const statuses: KubeContainerStatus[] = [];
  for (const spec of containers) {
    const patch = explicit.get(spec.name) ?? generate?.(spec);
    if (patch) statuses.push(toStatus(spec.name, spec.image, patch));
  }
  const known = new Set(containers.map((spec) => spec.name));
  for (const [name, patch] of explicit) if (!known.has(name)) statuses.push(toStatus(name, undefined, patch));
  return statuses;
}

function toStatus(name: string, image: string | undefined, patch: ContainerStatusPatch): KubeContainerStatus {
  return {
    name,
    ready: false,
    restartCount: 0,
    ...(image ? { image } : {}),
    ...structuredClone(patch),
  };
}
