import type { KubeCoreEvent } from '../../common/kube/kube-objects.js';
import { ageSince } from './human-duration.js';
import { column, NAME_DESCRIPTION, type TableConverter } from './table.js';

// printEvent and eventColumnDefinitions in pkg/printers/internalversion/printers.go (v1.35).
export const eventTable: TableConverter = {
  columns: [
    column('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    column('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
    column(
      'Reason',
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    ),
    column('Object', 'The object that this event is about.'),
    column(
      'Subobject',
      'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].',
      { priority: 1 },
    ),
    column('Source', 'The component reporting this event. Should be a short machine understandable string.', {
      priority: 1,
    }),
    column('Message', 'A human-readable description of the status of this operation.'),
    column('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', {
      priority: 1,
    }),
    column('Count', 'The number of times this event has occurred.', { priority: 1 }),
    column('Name', NAME_DESCRIPTION, { format: 'name', priority: 1 }),
  ],

  row(object, now) {
    const event = object as unknown as KubeCoreEvent & { reportingController?: string };
    const firstSeen = event.firstTimestamp ? ageSince(event.firstTimestamp, now) : ageSince(event.eventTime, now);
    let lastSeen = event.lastTimestamp ? ageSince(event.lastTimestamp, now) : firstSeen;
    let count = event.count ?? 0;
    if (event.series) {
      lastSeen = ageSince(event.series.lastObservedTime, now);
      count = event.series.count ?? 0;
    } else if (count === 0) {
      count = 1;
    }
    const involved = event.involvedObject ?? {};
    const kind = (involved.kind ?? '').toLowerCase();
    const target = involved.name ? `${kind}/${involved.name}` : kind;
    const component = event.source?.component || event.reportingComponent || '';
    const instance = event.source?.host || event.reportingInstance || '';
    return {
      cells: [
        lastSeen,
        event.type ?? '',
        event.reason ?? '',
        target,
        involved.fieldPath ?? '',
        instance ? `${component}, ${instance}` : component,
        (event.message ?? '').trim(),
        firstSeen,
        count,
        event.metadata.name,
      ],
    };
  },
};
