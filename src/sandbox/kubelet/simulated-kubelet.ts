import type { KubeNode, KubePod } from '../../common/kube/kube-objects.js';
import type { Clock } from '../clock.js';
import type { EventRecorder } from '../cluster/event-recorder.js';
import type { SimulatedCluster } from '../cluster/simulated-cluster.js';
import type { ContainerLogStore } from '../containers/container-log-store.js';
import { chooseContainer } from '../containers/pod-containers.js';
import { KubeStatusError } from '../kube-status-error.js';
import type { ChangeEvent, KubeObject, StoreWatcher } from '../store/object-store.js';
import type { KubeletHost } from './kubelet-host.js';
import type { LifecycleTimings } from './lifecycle-timings.js';
import { PodRuntime } from './pod-runtime.js';
import type { TimerHandle, TimerQueue } from './timer-queue.js';

export interface KubeletOptions {
  cluster: SimulatedCluster;
  events: EventRecorder;
  logs: ContainerLogStore;
  timers: TimerQueue;
  timings: LifecycleTimings;
  /** Pods without a log script that log periodically, at most. */
  maxPeriodicLoggers: number;
  /** Called when a pod is gone from a simulated node (its exec sessions close). */
  onPodGone(uid: string): void;
  /** Called when a container of a pod stops. */
  onContainerStopped(uid: string, container: string): void;
}

interface NodeInfo {
  ready: boolean;
  hostIP: string;
  index: number;
}

/**
 * The kubelets of every simulated node, in one object: a node is simulated when its Node object reports
 * Ready=True. Pods bound to such a node are run (new ones started, loaded ones adopted when asked); pods bound to
 * any other node are left exactly as they are written, as a cluster leaves the pods of a node whose kubelet is gone.
 */
export class SimulatedKubelet implements KubeletHost {
  readonly clock: Clock;
  readonly timings: LifecycleTimings;
  readonly timers: TimerQueue;
  readonly logs: ContainerLogStore;
  readonly events: EventRecorder;
  private readonly cluster: SimulatedCluster;
  private readonly runtimes = new Map<string, PodRuntime>();
  private readonly staticDeletions = new Map<string, TimerHandle>();
  private readonly images = new Map<string, Set<string>>();
  private readonly nextIP = new Map<string, number>();
  private nodes = new Map<string, NodeInfo>();
  private periodicLoggers = 0;
  private readonly unwatch: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly options: KubeletOptions) {
    this.cluster = options.cluster;
    this.clock = options.cluster.clock;
    this.timings = options.timings;
    this.timers = options.timers;
    this.logs = options.logs;
    this.events = options.events;
  }

  start(): void {
    this.refreshNodes();
    const pods: StoreWatcher = { notify: (event) => queueMicrotask(() => this.onPodChange(event)) };
    const nodes: StoreWatcher = { notify: () => queueMicrotask(() => this.refreshNodes()) };
    this.unwatch.push(this.cluster.collection('pods').watch(pods), this.cluster.collection('nodes').watch(nodes));
  }

  stop(): void {
    this.stopped = true;
    for (const unwatch of this.unwatch) unwatch();
    for (const runtime of this.runtimes.values()) runtime.dispose();
    this.runtimes.clear();
    this.staticDeletions.clear();
  }

  /** Whether a simulated kubelet runs `node`. */
  runsNode(node: string | undefined): boolean {
    return node !== undefined && this.nodes.get(node)?.ready === true;
  }

  get runningPods(): number {
    return this.runtimes.size;
  }

  /** Takes over loaded pods that carry a status (see PodRuntime.adopt); at most `limit` of them. */
  adopt(pods: Iterable<KubePod>, limit = Infinity): number {
    this.refreshNodes();
    let adopted = 0;
    for (const pod of pods) {
      if (adopted >= limit) break;
      const node = pod.spec.nodeName;
      const uid = pod.metadata.uid ?? '';
      if (!this.runsNode(node) || this.runtimes.has(uid) || pod.metadata.deletionTimestamp) continue;
      const runtime = new PodRuntime(this, pod, node!);
      this.runtimes.set(uid, runtime);
      if (isFresh(pod)) runtime.start();
      else runtime.adopt();
      adopted++;
    }
    return adopted;
  }

  /**
   * Makes sure the log store holds the lines of the containers of `pod` that ran: pods loaded as they are (the scale
   * mode) get their start-up lines written when their logs are first read.
   */
  ensureLogs(pod: KubePod): void {
    const uid = pod.metadata.uid ?? '';
    const runtime = this.runtimes.get(uid);
    if (runtime) {
      runtime.ensureLogs();
      return;
    }
    if (!this.runsNode(pod.spec.nodeName)) return;
    const snapshot = new PodRuntime(this, pod, pod.spec.nodeName!);
    snapshot.restore();
    snapshot.ensureLogs();
  }

  /**
   * A container of a pod this kubelet runs writes its next `count` periodic lines now (`POST /sandbox/logs`); answers
   * how many it wrote. The pod and container are looked up as for `pods/log` (404, 400 with the API server's texts);
   * 409 when no simulated kubelet runs the pod, or the container is not running.
   */
  writePeriodicLines(namespace: string, name: string, requested: string, count: number): number {
    const pod = this.cluster.pod(namespace, name);
    if (!pod) throw KubeStatusError.notFound('pods', name);
    const container = chooseContainer(pod, requested);
    const runtime = this.runtimes.get(pod.metadata.uid ?? '');
    if (!runtime)
      throw KubeStatusError.of(
        409,
        'Conflict',
        `pod "${name}" is not run by a simulated kubelet (its node is not simulated, or it is past the --live pods)`,
      );
    const written = runtime.writePeriodicLines(container, count);
    if (written === undefined)
      throw KubeStatusError.of(409, 'Conflict', `container "${container}" in pod "${name}" is not running`);
    return written;
  }

  // KubeletHost

  hostIP(node: string): string {
    return this.nodes.get(node)?.hostIP ?? '10.0.0.1';
  }

  allocatePodIP(node: string): string {
    const index = this.nodes.get(node)?.index ?? 0;
    const next = this.nextIP.get(node) ?? 10;
    this.nextIP.set(node, next >= 250 ? 10 : next + 1);
    return `10.244.${index}.${next}`;
  }

  hasImage(node: string, image: string): boolean {
    return this.images.get(node)?.has(image) ?? false;
  }

  addImage(node: string, image: string): void {
    let images = this.images.get(node);
    if (!images) this.images.set(node, (images = new Set()));
    images.add(image);
  }

  currentPod(namespace: string, name: string, uid: string): KubePod | undefined {
    const pod = this.cluster.pod(namespace, name);
    return pod?.metadata.uid === uid ? pod : undefined;
  }

  writeStatus(pod: KubePod): void {
    this.cluster.update('pods', pod as unknown as KubeObject, { subresource: 'status' });
  }

  removePod(namespace: string, name: string, uid: string): void {
    if (this.currentPod(namespace, name, uid)) this.cluster.remove('pods', namespace, name);
  }

  containerStopped(uid: string, container: string): void {
    this.options.onContainerStopped(uid, container);
  }

  acquirePeriodicLogger(): boolean {
    if (this.periodicLoggers >= this.options.maxPeriodicLoggers) return false;
    this.periodicLoggers++;
    return true;
  }

  releasePeriodicLogger(): void {
    this.periodicLoggers = Math.max(0, this.periodicLoggers - 1);
  }

  private onPodChange(event: ChangeEvent): void {
    if (this.stopped) return;
    const uid = event.object.uid;
    if (event.type === 'DELETED') {
      this.forget(uid);
      return;
    }
    const pod = JSON.parse(event.object.json) as KubePod;
    const node = pod.spec.nodeName;
    if (!this.runsNode(node)) return;
    const runtime = this.runtimes.get(uid);
    const deletion = pod.metadata.deletionTimestamp;
    if (runtime) {
      if (deletion) runtime.terminate(pod.metadata.deletionGracePeriodSeconds ?? 0);
      else runtime.specChanged(pod);
      return;
    }
    if (deletion) {
      this.terminateStatic(pod);
      return;
    }
    if (isFresh(pod)) {
      const created = new PodRuntime(this, pod, node!);
      this.runtimes.set(uid, created);
      created.start();
    }
  }

  /** A pod this kubelet never ran (loaded as it is) is deleted: its containers "stop", then it goes. */
  private terminateStatic(pod: KubePod): void {
    const uid = pod.metadata.uid ?? '';
    if (this.staticDeletions.has(uid)) return;
    const delay = Math.min((pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000, this.timings.terminationMs);
    const handle = this.timers.schedule(delay, () => {
      this.staticDeletions.delete(uid);
      this.removePod(pod.metadata.namespace ?? '', pod.metadata.name ?? '', uid);
    });
    this.staticDeletions.set(uid, handle);
  }

  private forget(uid: string): void {
    const runtime = this.runtimes.get(uid);
    runtime?.dispose();
    this.runtimes.delete(uid);
    const deletion = this.staticDeletions.get(uid);
    if (deletion !== undefined) this.timers.cancel(deletion);
    this.staticDeletions.delete(uid);
    this.logs.forgetPod(uid);
    this.options.onPodGone(uid);
  }

  private refreshNodes(): void {
    const nodes = new Map<string, NodeInfo>();
    this.cluster.list<KubeNode & KubeObject>('nodes').forEach((node, index) => {
      const ready =
        node.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ??
        false;
      const hostIP =
        node.status?.addresses?.find((address) => address.type === 'InternalIP')?.address ?? `10.0.0.${index + 2}`;
      nodes.set(node.metadata.name ?? '', { ready, hostIP, index });
    });
    this.nodes = nodes;
  }
}

/** A pod no kubelet has reported on yet: what the API server created, or a seed without a status. */
function isFresh(pod: KubePod): boolean {
  const status = pod.status;
  if (!status) return true;
  if (status.phase && status.phase !== 'Pending') return false;
  return (status.containerStatuses ?? []).length === 0 && (status.initContainerStatuses ?? []).length === 0;
}
