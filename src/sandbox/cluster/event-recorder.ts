import type { KubeCoreEvent, KubePod } from '../../common/kube/kube-objects.js';
import { formatMicroTime, formatTime } from '../clock.js';
import type { KubeObject } from '../store/object-store.js';
import type { SimulatedCluster } from './simulated-cluster.js';

export interface EventInput {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** `spec.containers{app}` for container events. */
  fieldPath?: string;
}

export interface EventRecorderOptions {
  /** Events older than this are removed (the API server's `--event-ttl`, 1h by default). */
  ttlMs: number;
  /** At most this many events are kept; the oldest go first. */
  maxEvents: number;
}

/**
 * Records events the way the components of a cluster do: the kubelet through the core/v1 API (with `source`,
 * `firstTimestamp`, `lastTimestamp` and `count`, repeated events aggregated into one), the scheduler through
 * events.k8s.io/v1 (with `eventTime`, `action`, `reportingComponent` and no `source`), as `kubectl get events
 * -o yaml` shows them on a 1.35 cluster.
 */
export class EventRecorder {
  private readonly aggregated = new Map<string, string>();
  /** Event keys (namespace/name) in creation order, for the TTL and the cap. */
  private readonly order: string[] = [];
  private sequence = 0;

  constructor(
    private readonly cluster: SimulatedCluster,
    private readonly options: EventRecorderOptions,
  ) {}

  /** Takes over the events already stored (a seed): repeats of them are counted on them, and they expire. */
  adoptStored(): void {
    const stored = [...this.cluster.collection('events').values()].sort((a, b) => lastSeen(a.json) - lastSeen(b.json));
    for (const entry of stored) {
      const event = JSON.parse(entry.json) as KubeCoreEvent;
      this.order.push(entry.key);
      if (event.source?.component) {
        const key = [
          event.involvedObject?.uid ?? '',
          event.reason ?? '',
          event.message ?? '',
          event.involvedObject?.fieldPath ?? '',
          event.source.component,
        ].join('\u0000');
        this.aggregated.set(key, entry.key);
      }
    }
  }

  /** An event from the kubelet of `node` about `pod`. */
  kubelet(pod: KubePod, node: string, input: EventInput): void {
    this.record(pod, input, { component: 'kubelet', host: node });
  }

  /** An event from the scheduler about `pod` (events.k8s.io style). */
  scheduler(pod: KubePod, input: EventInput, action: string): void {
    const now = this.cluster.clock.now();
    const event: KubeCoreEvent & Record<string, unknown> = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: this.eventName(pod, now), namespace: pod.metadata.namespace },
      involvedObject: involvedPod(pod),
      reason: input.reason,
      message: input.message,
      type: input.type,
      action,
      eventTime: formatMicroTime(now),
      firstTimestamp: null,
      lastTimestamp: null,
      reportingComponent: 'default-scheduler',
      reportingInstance: 'default-scheduler-sandbox-control-plane',
      source: {},
    };
    this.store(event);
  }

  private record(pod: KubePod, input: EventInput, source: { component: string; host: string }): void {
    const now = this.cluster.clock.now();
    const uid = pod.metadata.uid ?? '';
    const key = [uid, input.reason, input.message, input.fieldPath ?? '', source.component].join('\u0000');
    const existingKey = this.aggregated.get(key);
    const existing = existingKey ? this.cluster.collection('events').getByKey(existingKey) : undefined;
    if (existing) {
      const event = JSON.parse(existing.json) as KubeCoreEvent & KubeObject;
      event.count = (event.count ?? 1) + 1;
      event.lastTimestamp = formatTime(now);
      this.cluster.collection('events').write(event);
      return;
    }
    const event: KubeCoreEvent & Record<string, unknown> = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: this.eventName(pod, now), namespace: pod.metadata.namespace },
      involvedObject: { ...involvedPod(pod), ...(input.fieldPath ? { fieldPath: input.fieldPath } : {}) },
      reason: input.reason,
      message: input.message,
      source,
      firstTimestamp: formatTime(now),
      lastTimestamp: formatTime(now),
      count: 1,
      type: input.type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host,
    };
    const stored = this.store(event);
    if (stored) this.aggregated.set(key, stored);
  }

  private store(event: KubeCoreEvent & Record<string, unknown>): string | undefined {
    const namespace = event.metadata.namespace;
    if (!namespace || !this.cluster.find('namespaces', undefined, namespace)) return undefined;
    const object = event as unknown as KubeObject;
    const created = this.cluster.create('events', object);
    const key = `${namespace}/${created.metadata.name}`;
    this.order.push(key);
    this.expire();
    return key;
  }

  private expire(): void {
    const events = this.cluster.collection('events');
    const cutoff = this.cluster.clock.now().getTime() - this.options.ttlMs;
    while (this.order.length > 0) {
      const key = this.order[0];
      const stored = events.getByKey(key);
      if (stored && this.order.length <= this.options.maxEvents && lastSeen(stored.json) >= cutoff) break;
      this.order.shift();
      if (stored) this.cluster.remove('events', stored.namespace, stored.name);
    }
    if (this.aggregated.size > this.options.maxEvents * 2) {
      for (const [key, eventKey] of this.aggregated) if (!events.getByKey(eventKey)) this.aggregated.delete(key);
    }
  }

  // The event recorder names events `<object>.<unix nanoseconds in hex>` (client-go tools/record/event.go).
  private eventName(pod: KubePod, now: Date): string {
    this.sequence = (this.sequence + 1) % 1_000_000;
    const nanos = BigInt(now.getTime()) * 1_000_000n + BigInt(this.sequence);
    return `${pod.metadata.name}.${nanos.toString(16)}`;
  }
}

function involvedPod(pod: KubePod): KubeCoreEvent['involvedObject'] {
  return {
    kind: 'Pod',
    namespace: pod.metadata.namespace,
    name: pod.metadata.name,
    uid: pod.metadata.uid,
    apiVersion: 'v1',
    resourceVersion: pod.metadata.resourceVersion,
  };
}

function lastSeen(json: string): number {
  const event = JSON.parse(json) as KubeCoreEvent;
  const at =
    event.lastTimestamp ?? event.series?.lastObservedTime ?? event.eventTime ?? event.metadata.creationTimestamp;
  return at ? Date.parse(at) : 0;
}
