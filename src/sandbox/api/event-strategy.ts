import type { KubeCoreEvent, KubeEventV1 } from '../../common/kube/kube-objects.js';
import { convertEventFieldLabel, eventFieldValue, EVENT_SELECTABLE_FIELDS } from '../../common/kube/field-selector.js';
import { dnsSubdomainErrors } from '../../common/kube/names.js';
import type { KubeObject } from '../store/object-store.js';
import { validateObjectMeta } from './object-meta.js';
import { keepSystemMetadata, type ResourceStrategy } from './resource-strategy.js';

/** core/v1 Events (pkg/registry/core/event/strategy.go); events.k8s.io/v1 is another view of the same objects. */
export const eventStrategy: ResourceStrategy = {
  kind: 'Event',
  apiVersion: 'v1',
  resource: 'events',
  namespaced: true,
  allowUnconditionalUpdate: true,

  fieldsOf(object) {
    const event = object as unknown as KubeCoreEvent;
    const fields: Record<string, string> = {};
    for (const field of EVENT_SELECTABLE_FIELDS) fields[field] = eventFieldValue(event, field);
    return fields;
  },

  prepareForCreate(object) {
    const event = object as unknown as KubeCoreEvent;
    event.involvedObject ??= {};
  },

  validate(object) {
    return validateObjectMeta(object.metadata, { namespaced: true, nameErrors: dnsSubdomainErrors });
  },

  prepareForUpdate(next, previous) {
    keepSystemMetadata(next, previous);
  },

  validateUpdate(next) {
    return validateObjectMeta(next.metadata, { namespaced: true, nameErrors: dnsSubdomainErrors });
  },
};

/** The events.k8s.io/v1 field labels, mapped to the core/v1 ones they select on (pkg/apis/events/v1 conversion). */
export function convertEventsV1FieldLabel(field: string): string {
  if (field.startsWith('regarding.'))
    return convertEventFieldLabel(`involvedObject.${field.slice('regarding.'.length)}`);
  if (field === 'reportingController') return 'reportingComponent';
  if (field === 'deprecatedSource') return 'source';
  return convertEventFieldLabel(field);
}

/** core/v1 → events.k8s.io/v1 (pkg/apis/events/v1/conversion.go). */
export function toEventV1(object: KubeObject): KubeEventV1 {
  const event = object as unknown as KubeCoreEvent & { related?: unknown };
  const result: KubeEventV1 & Record<string, unknown> = {
    kind: 'Event',
    apiVersion: 'events.k8s.io/v1',
    metadata: event.metadata,
    eventTime: event.eventTime ?? null,
  };
  if (event.series) result.series = event.series;
  if (event.reportingComponent) result.reportingController = event.reportingComponent;
  if (event.reportingInstance) result.reportingInstance = event.reportingInstance;
  if (event.action) result.action = event.action;
  if (event.reason) result.reason = event.reason;
  result.regarding = event.involvedObject;
  if (event.related) result.related = event.related;
  if (event.message) result.note = event.message;
  if (event.type) result.type = event.type;
  if (event.source && Object.keys(event.source).length > 0) result.deprecatedSource = event.source;
  result.deprecatedFirstTimestamp = event.firstTimestamp ?? null;
  result.deprecatedLastTimestamp = event.lastTimestamp ?? null;
  if (event.count) result.deprecatedCount = event.count;
  return result;
}

/** events.k8s.io/v1 → core/v1, for writes through the events.k8s.io API. */
export function fromEventV1(object: KubeObject): KubeObject {
  const event = object as unknown as KubeEventV1 & { related?: unknown };
  const result: KubeCoreEvent & Record<string, unknown> = {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: event.metadata,
    involvedObject: event.regarding ?? {},
    eventTime: event.eventTime ?? null,
    firstTimestamp: event.deprecatedFirstTimestamp ?? null,
    lastTimestamp: event.deprecatedLastTimestamp ?? null,
    source: event.deprecatedSource ?? {},
  };
  if (event.series) result.series = event.series;
  if (event.reportingController) result.reportingComponent = event.reportingController;
  if (event.reportingInstance) result.reportingInstance = event.reportingInstance;
  if (event.action) result.action = event.action;
  if (event.reason) result.reason = event.reason;
  if (event.related) result.related = event.related;
  if (event.note) result.message = event.note;
  if (event.type) result.type = event.type;
  if (event.deprecatedCount) result.count = event.deprecatedCount;
  return result;
}
