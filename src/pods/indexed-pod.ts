/**
 * What the pod list (api.md §3.1, §3.6) filters, sorts and maps from, worked out once per pod version instead of
 * once per request: kubectl's STATUS, READY and RESTARTS (`describePodRow`), the creation time as a number, and the
 * lower-cased texts `search` looks in.
 */
import type { KubePod } from '../common/kube/kube-objects.js';
import { describePodRow } from './pod-status.js';
import { keyOf } from '../clusters/pod-cache.js';

export interface IndexedPod {
  /** `namespace/name`: unique within a cluster. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  /** `spec.nodeName`; `''` while the pod is bound to no node, as field selectors see it. */
  readonly nodeName: string;
  /** STATUS as `kubectl get pods` prints it (`Running`, `Init:0/2`, `CrashLoopBackOff`, …). */
  readonly status: string;
  /** READY as kubectl prints it: `1/2`. */
  readonly ready: string;
  /** RESTARTS as kubectl counts it. */
  readonly restarts: number;
  /**
   * `metadata.creationTimestamp` in milliseconds since the epoch. A pod without a parsable one (never seen from an
   * API server, which always sets it) gets -Infinity: the oldest possible, rather than a NaN that breaks sorting.
   */
  readonly createdAt: number;
  /** The pod itself (as the cache trimmed it), for the response mappers. */
  readonly pod: KubePod;
}

export function indexPod(pod: KubePod): IndexedPod {
  const namespace = pod.metadata.namespace ?? '';
  const name = pod.metadata.name ?? '';
  const row = describePodRow(pod);
  return {
    key: keyOf(namespace, name),
    namespace,
    name,
    nodeName: pod.spec.nodeName ?? '',
    status: row.status,
    ready: row.ready,
    restarts: row.restarts.count,
    createdAt: creationTime(pod),
    pod,
  };
}

/** Every field as an own property: items from the index compute some when read (for deep comparisons). */
export function plainIndexedPod(item: IndexedPod): IndexedPod {
  const { key, namespace, name, nodeName, status, ready, restarts, createdAt, pod } = item;
  return { key, namespace, name, nodeName, status, ready, restarts, createdAt, pod };
}

export function creationTime(pod: KubePod): number {
  const timestamp = pod.metadata.creationTimestamp;
  const time = timestamp === undefined ? Number.NaN : Date.parse(timestamp);
  return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
}

/**
 * The texts `search` matches a substring of (api.md §3.1), each lower-cased. A match must lie inside one text:
 * "web-0" does not match the name "web" followed by the namespace "0…".
 */
export interface PodSearchTexts {
  name: string;
  namespace: string;
  /** `''` for a pod bound to no node (the empty text contains only the empty needle, which is no filter). */
  nodeName: string;
  /** `status.podIP` and every `status.podIPs[].ip` (the second family of a dual-stack pod), without repeats. */
  podIPs: string[];
  /** `status.hostIP` and every `status.hostIPs[].ip`, without repeats. */
  hostIPs: string[];
  /**
   * Images as the pod spec names them, init containers (sidecars included) then containers, without repeats.
   * Ephemeral (debug) containers are not listed: the contract's items do not show them.
   */
  images: string[];
}

export function podSearchTexts(pod: KubePod): PodSearchTexts {
  const status = pod.status;
  return {
    name: lower(pod.metadata.name ?? ''),
    namespace: lower(pod.metadata.namespace ?? ''),
    nodeName: lower(pod.spec.nodeName ?? ''),
    podIPs: distinctLower([status?.podIP, ...ipsOf(status?.podIPs)]),
    hostIPs: distinctLower([status?.hostIP, ...ipsOf(status?.['hostIPs'])]),
    images: distinctLower([...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c) => c.image)),
  };
}

/** `status.podIPs` / `status.hostIPs`: `[{ip}]` lists; anything else in those places is ignored. */
function ipsOf(list: unknown): (string | undefined)[] {
  if (!Array.isArray(list)) return [];
  return list.map((entry: unknown) =>
    typeof entry === 'object' && entry !== null && 'ip' in entry && typeof entry.ip === 'string' ? entry.ip : undefined,
  );
}

function distinctLower(values: (string | undefined)[]): string[] {
  const result: string[] = [];
  for (const value of values) {
    if (!value) continue;
    const text = lower(value);
    if (!result.includes(text)) result.push(text);
  }
  return result;
}

// toLowerCase, not toLocaleLowerCase: the service's locale must not change what matches.
function lower(text: string): string {
  return text.toLowerCase();
}
