import type { KubeNode, KubePod } from '../../common/kube/kube-objects.js';
import { formatTime } from '../clock.js';
import type { EventRecorder } from '../cluster/event-recorder.js';
import type { SimulatedCluster } from '../cluster/simulated-cluster.js';
import { KubeStatusError } from '../kube-status-error.js';
import type { ChangeEvent, KubeObject, StoreWatcher } from '../store/object-store.js';
import type { TimerQueue } from './timer-queue.js';

interface Taint {
  key: string;
  value?: string;
  effect: string;
}

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

/**
 * The default scheduler, as far as a pod's life needs it: a pod without `nodeName`, without scheduling gates and
 * for `default-scheduler` is bound (pods/binding) to a Ready, schedulable node that matches its `nodeSelector` and
 * whose NoSchedule taints it tolerates, spreading pods round-robin. A pod that fits nowhere gets PodScheduled=False
 * `Unschedulable` and a FailedScheduling event with the scheduler's summary, and is retried when nodes change.
 */
export class PodScheduler {
  private readonly pending = new Set<string>();
  private readonly unschedulable = new Map<string, { namespace: string; name: string }>();
  private readonly unwatch: (() => void)[] = [];
  private turn = 0;
  private stopped = false;

  constructor(
    private readonly cluster: SimulatedCluster,
    private readonly events: EventRecorder,
    private readonly timers: TimerQueue,
    private readonly delayMs: number,
  ) {}

  start(): void {
    const pods: StoreWatcher = { notify: (event) => queueMicrotask(() => this.onPodChange(event)) };
    const nodes: StoreWatcher = { notify: () => queueMicrotask(() => this.retryUnschedulable()) };
    this.unwatch.push(this.cluster.collection('pods').watch(pods), this.cluster.collection('nodes').watch(nodes));
    for (const stored of this.cluster.collection('pods').values()) {
      if (stored.fields['spec.nodeName'] === '') this.consider(JSON.parse(stored.json) as KubePod);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const unwatch of this.unwatch) unwatch();
  }

  private onPodChange(event: ChangeEvent): void {
    if (this.stopped) return;
    if (event.type === 'DELETED') {
      this.unschedulable.delete(event.object.uid);
      return;
    }
    this.consider(JSON.parse(event.object.json) as KubePod);
  }

  private consider(pod: KubePod): void {
    const uid = pod.metadata.uid ?? '';
    if (!needsScheduling(pod) || this.pending.has(uid) || this.unschedulable.has(uid)) return;
    // A pod already found unschedulable (loaded so, or marked by this scheduler) waits for the nodes to change.
    const scheduled = pod.status?.conditions?.find((condition) => condition.type === 'PodScheduled');
    if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
      this.unschedulable.set(uid, { namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '' });
      return;
    }
    this.pending.add(uid);
    this.timers.schedule(this.delayMs, () => {
      this.pending.delete(uid);
      this.schedule(pod.metadata.namespace ?? '', pod.metadata.name ?? '', uid);
    });
  }

  private schedule(namespace: string, name: string, uid: string): void {
    if (this.stopped) return;
    const pod = this.cluster.pod(namespace, name);
    if (!pod || pod.metadata.uid !== uid || !needsScheduling(pod)) return;
    const nodes = this.cluster.list<KubeNode & KubeObject>('nodes');
    const reasons = new Map<string, number>();
    const fitting: string[] = [];
    for (const node of nodes) {
      const reason = misfit(pod, node);
      if (reason) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      else fitting.push(node.metadata.name ?? '');
    }
    if (fitting.length === 0) {
      this.markUnschedulable(pod, nodes.length, reasons);
      return;
    }
    const node = fitting[this.turn++ % fitting.length];
    try {
      const bound = this.cluster.bind(namespace, name, node);
      this.unschedulable.delete(uid);
      this.events.scheduler(
        bound,
        { type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${namespace}/${name} to ${node}` },
        'Binding',
      );
    } catch (error) {
      if (!(error instanceof KubeStatusError)) throw error;
    }
  }

  private markUnschedulable(pod: KubePod, total: number, reasons: Map<string, number>): void {
    const uid = pod.metadata.uid ?? '';
    // The scheduler sorts the formatted reasons, counts included (framework.Diagnosis / FitError.Error).
    const details = [...reasons.entries()]
      .map(([reason, count]) => `${count} ${reason}`)
      .sort()
      .join(', ');
    const message =
      total === 0
        ? 'no nodes available to schedule pods'
        : `0/${total} nodes are available: ${details}. preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`;
    this.unschedulable.set(uid, { namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '' });
    const condition = {
      type: 'PodScheduled',
      status: 'False',
      lastProbeTime: null,
      lastTransitionTime: formatTime(this.cluster.clock.now()),
      reason: 'Unschedulable',
      message,
    };
    pod.status = {
      ...pod.status,
      phase: 'Pending',
      conditions: [...(pod.status?.conditions ?? []).filter((existing) => existing.type !== 'PodScheduled'), condition],
    };
    this.cluster.update('pods', pod as unknown as KubeObject, { subresource: 'status' });
    this.events.scheduler(pod, { type: 'Warning', reason: 'FailedScheduling', message }, 'Scheduling');
  }

  private retryUnschedulable(): void {
    if (this.stopped) return;
    for (const [uid, { namespace, name }] of [...this.unschedulable.entries()]) {
      const pod = this.cluster.pod(namespace, name);
      if (pod?.metadata.uid !== uid) {
        this.unschedulable.delete(uid);
        continue;
      }
      if (this.pending.has(uid)) continue;
      this.pending.add(uid);
      this.timers.schedule(this.delayMs, () => {
        this.pending.delete(uid);
        this.schedule(namespace, name, uid);
      });
    }
  }
}

function needsScheduling(pod: KubePod): boolean {
  return (
    !pod.spec.nodeName &&
    (pod.spec.schedulingGates ?? []).length === 0 &&
    (pod.spec.schedulerName ?? 'default-scheduler') === 'default-scheduler' &&
    !pod.metadata.deletionTimestamp
  );
}

/** Why `node` cannot take `pod`, in the scheduler's words; undefined when it fits. */
function misfit(pod: KubePod, node: KubeNode): string | undefined {
  const ready = node.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True');
  if (!ready) return 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }';
  if (node.spec?.unschedulable) return 'node(s) were unschedulable';
  const taints = (node.spec?.taints as Taint[] | undefined) ?? [];
  const tolerations = (pod.spec.tolerations as Toleration[] | undefined) ?? [];
  for (const taint of taints) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerations.some((toleration) => tolerates(toleration, taint)))
      return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
  }
  const selector = (pod.spec.nodeSelector as Record<string, string> | undefined) ?? {};
  const labels = node.metadata.labels ?? {};
  if (Object.entries(selector).some(([key, value]) => labels[key] !== value))
    return "node(s) didn't match Pod's node affinity/selector";
  return undefined;
}

function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.operator === 'Exists') return !toleration.key || toleration.key === taint.key;
  return toleration.key === taint.key && (toleration.value ?? '') === (taint.value ?? '');
}
