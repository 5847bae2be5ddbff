import type { KubeCoreEvent } from '../common/kube/kube-objects.js';
import type { PodEvent } from './dto/pod-event.dto.js';

/**
 * A pod's events as `kubectl describe pod` shows them: only those about this pod instance (its uid: events of an
 * earlier pod with the same name are left out), oldest first by when they were last seen.
 *
 * Events reach core/v1 in two styles: the classic one (`firstTimestamp`, `lastTimestamp`, `count`, `source`) and the
 * events.k8s.io/v1 one recorded through the new API (`eventTime`, `series.count`, `series.lastObservedTime`,
 * `reportingComponent`/`reportingInstance`). Both map onto the same fields, as kubectl's describe does
 * (kubectl describe.go DescribeEvents and event sorting, v1.35).
 */
export function podEvents(events: readonly KubeCoreEvent[], podUid: string): PodEvent[] {
  return events
    .filter((event) => event.involvedObject?.uid === podUid)
    .map((event) => ({ event, seen: lastSeen(event) }))
    .sort((a, b) => timeOf(a.seen) - timeOf(b.seen) || timeOf(firstSeen(a.event)) - timeOf(firstSeen(b.event)))
    .map(({ event, seen }) => ({
      type: event.type ?? 'Normal',
      reason: event.reason ?? '',
      message: (event.message ?? '').trim(),
      firstSeen: firstSeen(event),
      lastSeen: seen,
      count: event.series?.count ?? (event.count && event.count > 0 ? event.count : 1),
      source: source(event),
      fieldPath: event.involvedObject.fieldPath || null,
    }));
}

function firstSeen(event: KubeCoreEvent): string | null {
  return event.firstTimestamp || event.eventTime || event.lastTimestamp || null;
}

function lastSeen(event: KubeCoreEvent): string | null {
  return event.series?.lastObservedTime || event.lastTimestamp || event.eventTime || event.firstTimestamp || null;
}

/** `kubelet, node-1` as kubectl's formatEventSource prints it: the component, then the host or instance. */
function source(event: KubeCoreEvent): string | null {
  const component = event.source?.component || event.reportingComponent || '';
  const host = event.source?.host || event.reportingInstance || '';
  if (!component && !host) return null;
  return host && component ? `${component}, ${host}` : component || host;
}

// Events without any time sort first, as Go's zero time does.
function timeOf(value: string | null): number {
  if (!value) return Number.NEGATIVE_INFINITY;
  const time = Date.parse(value);
  return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
}
