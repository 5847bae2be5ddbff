import {
  convertEventFieldLabel,
  convertPodFieldLabel,
  parseFieldSelector,
  SelectorParseError,
  type FieldLabelConversion,
  type FieldSelector,
} from '../../common/kube/field-selector.js';
import { parseLabelSelector, type LabelSelector } from '../../common/kube/label-selector.js';
import { KubeStatusError } from '../kube-status-error.js';
import type { IncludeObject } from '../tables/table.js';
import type { ApiResource } from './api-resources.js';
import { convertEventsV1FieldLabel } from './event-strategy.js';

/** The query parameters of a list or watch (metav1.ListOptions), parsed and checked as the API server checks them. */
export interface ListOptions {
  labelSelector: LabelSelector;
  fieldSelector: FieldSelector;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  watch: boolean;
  allowWatchBookmarks: boolean;
  timeoutSeconds?: number;
  sendInitialEvents?: boolean;
  includeObject: IncludeObject;
}

export function parseListOptions(params: URLSearchParams, resource: ApiResource, watchPath: boolean): ListOptions {
  const labelSelector = parseSelector(() => parseLabelSelector(params.get('labelSelector') ?? ''));
  const fieldSelector = parseSelector(() =>
    parseFieldSelector(params.get('fieldSelector') ?? '', fieldLabelConversion(resource)),
  );
  const limit = optionalInteger(params, 'limit');
  const timeoutSeconds = optionalInteger(params, 'timeoutSeconds');
  const continueToken = params.get('continue') || undefined;
  const resourceVersion = params.has('resourceVersion') ? (params.get('resourceVersion') ?? '') : undefined;
  const match = params.get('resourceVersionMatch') || undefined;
  if (match !== undefined && match !== 'Exact' && match !== 'NotOlderThan') {
    throw KubeStatusError.badRequest(
      `resourceVersionMatch: Unsupported value: ${JSON.stringify(match)}: supported values: "Exact", "NotOlderThan", ""`,
    );
  }
  const watch = watchPath || isTrue(params.get('watch'));
  const allowWatchBookmarks = isTrue(params.get('allowWatchBookmarks'));
  const sendInitialEvents = params.has('sendInitialEvents') ? isTrue(params.get('sendInitialEvents')) : undefined;
  // ValidateListOptions / validateWatchOptions (apiserver/pkg/apis/meta/internalversion/validation, v0.35).
  if (watch && params.has('sendInitialEvents')) {
    if (match !== 'NotOlderThan')
      throw invalidListOptions(
        'resourceVersionMatch',
        'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
      );
    if (!allowWatchBookmarks)
      throw invalidListOptions('allowWatchBookmarks', 'sendInitialEvents requires setting allowWatchBookmarks to true');
  } else if (watch && match !== undefined) {
    throw invalidListOptions(
      'resourceVersionMatch',
      'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
    );
  } else if (match !== undefined && !resourceVersion) {
    throw invalidListOptions(
      'resourceVersionMatch',
      'resourceVersionMatch is forbidden unless resourceVersion is provided',
    );
  }
  if (continueToken && resourceVersion && resourceVersion !== '0') {
    throw invalidListOptions('resourceVersion', 'specifying resource version is not allowed when using continue');
  }
  const include = params.get('includeObject') || 'Metadata';
  if (include !== 'None' && include !== 'Metadata' && include !== 'Object') {
    throw KubeStatusError.badRequest(
      `includeObject: Unsupported value: "${include}": supported values: "None", "Metadata", "Object"`,
    );
  }
  return {
    labelSelector,
    fieldSelector,
    limit: limit !== undefined && limit > 0 ? limit : undefined,
    continueToken,
    resourceVersion,
    resourceVersionMatch: match,
    watch,
    allowWatchBookmarks,
    timeoutSeconds,
    sendInitialEvents,
    includeObject: include,
  };
}

/** The field labels each resource supports, as its registered field-label conversion allows them. */
export function fieldLabelConversion(resource: ApiResource): FieldLabelConversion {
  if (resource.group === 'events.k8s.io') return convertEventsV1FieldLabel;
  switch (resource.storage) {
    case 'pods':
      return convertPodFieldLabel;
    case 'events':
      return convertEventFieldLabel;
    case 'namespaces':
      return metadataAnd('status.phase');
    case 'nodes':
      return metadataAnd('spec.unschedulable');
  }
}

function metadataAnd(...fields: string[]): FieldLabelConversion {
  const supported = new Set(['metadata.name', ...fields]);
  return (field) => {
    if (supported.has(field)) return field;
    throw new SelectorParseError(`field label not supported: ${field}`);
  };
}

function parseSelector<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof SelectorParseError) throw KubeStatusError.badRequest(error.message);
    throw error;
  }
}

function optionalInteger(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw))
    throw KubeStatusError.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`);
  return Number(raw);
}

function isTrue(value: string | null): boolean {
  return value === 'true' || value === '1';
}

function invalidListOptions(field: string, detail: string): KubeStatusError {
  return KubeStatusError.of(422, 'Invalid', `ListOptions.meta.k8s.io "" is invalid: ${field}: Forbidden: ${detail}`, {
    kind: 'ListOptions',
    group: 'meta.k8s.io',
    causes: [{ reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field }],
  });
}
