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
import { forbidden, notSupported, type FieldError } from './field-errors.js';

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

/** What the API server this simulator plays was started with. */
export interface ListFeatures {
  /** The WatchList feature gate (KEP-3157: `sendInitialEvents`), on by default since 1.32. */
  watchList: boolean;
}

export function parseListOptions(
  params: URLSearchParams,
  resource: ApiResource,
  watchPath: boolean,
  features: ListFeatures,
): ListOptions {
  const labelSelector = parseSelector(() => parseLabelSelector(params.get('labelSelector') ?? ''));
  const fieldSelector = parseSelector(() =>
    parseFieldSelector(params.get('fieldSelector') ?? '', fieldLabelConversion(resource)),
  );
  const limit = optionalInteger(params, 'limit');
  const timeoutSeconds = optionalInteger(params, 'timeoutSeconds');
  const continueToken = params.get('continue') || undefined;
  const resourceVersion = params.has('resourceVersion') ? (params.get('resourceVersion') ?? '') : undefined;
  // The deprecated /watch/ path watches without setting `watch`, and is validated as a list (handlers/get.go).
  const watchParam = isTrue(params.get('watch'));
  const allowWatchBookmarks = isTrue(params.get('allowWatchBookmarks'));
  let match = params.get('resourceVersionMatch') || undefined;
  let sendInitialEvents = params.has('sendInitialEvents') ? isTrue(params.get('sendInitialEvents')) : undefined;
  // SetListOptionsDefaults: with WatchList on, a watch from no version (or "0") is a watch-list.
  if (
    features.watchList &&
    watchParam &&
    sendInitialEvents === undefined &&
    match === undefined &&
    (!resourceVersion || resourceVersion === '0')
  ) {
    sendInitialEvents = true;
    match = 'NotOlderThan';
  }
  const errors = validateListOptions({
    watch: watchParam,
    resourceVersion,
    match,
    sendInitialEvents,
    continueToken,
    watchList: features.watchList,
  });
  if (errors.length > 0) throw invalidListOptions(errors);
  if (continueToken && resourceVersion && resourceVersion !== '0') {
    throw KubeStatusError.badRequest('specifying resource version is not allowed when using continue');
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
    resourceVersionMatch: match as ListOptions['resourceVersionMatch'],
    watch: watchPath || watchParam,
    allowWatchBookmarks,
    timeoutSeconds,
    sendInitialEvents,
    includeObject: include,
  };
}

/**
 * ValidateListOptions (apimachinery/pkg/apis/meta/internalversion/validation, v0.35). It does not ask a watch-list
 * for allowWatchBookmarks: a watch from "0" got its initial events without bookmarks before WatchList existed.
 */
export function validateListOptions(options: {
  watch: boolean;
  resourceVersion?: string;
  match?: string;
  sendInitialEvents?: boolean;
  continueToken?: string;
  watchList: boolean;
}): FieldError[] {
  const { watch, resourceVersion, match, sendInitialEvents, continueToken, watchList } = options;
  const errors: FieldError[] = [];
  if (watch) {
    if (sendInitialEvents !== undefined) {
      if (match !== 'NotOlderThan')
        errors.push(
          forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'),
        );
      if (!watchList)
        errors.push(
          forbidden(
            'sendInitialEvents',
            'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
          ),
        );
    }
    if (match !== undefined) {
      if (sendInitialEvents === undefined)
        errors.push(
          forbidden(
            'resourceVersionMatch',
            'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
          ),
        );
      if (match !== 'NotOlderThan') errors.push(notSupported('resourceVersionMatch', match, ['NotOlderThan']));
      if (continueToken)
        errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    }
    return errors;
  }
  if (match !== undefined) {
    if (!resourceVersion)
      errors.push(
        forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'),
      );
    if (continueToken)
      errors.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== 'Exact' && match !== 'NotOlderThan')
      errors.push(notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
    if (match === 'Exact' && resourceVersion === '0')
      errors.push(
        forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'),
      );
  }
  if (sendInitialEvents !== undefined)
    errors.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  return errors;
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

// Convert_Slice_string_To_bool: only "0" and "false" (any case) are false; any other value, even empty, is true.
function isTrue(value: string | null): boolean {
  return value !== null && value !== '0' && value.toLowerCase() !== 'false';
}

/** errors.NewInvalid for ListOptions: no name, so none in the details (`omitempty`). */
function invalidListOptions(errors: readonly FieldError[]): KubeStatusError {
  const texts = errors.map((error) => `${error.field}: ${error.message}`);
  const joined = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  return KubeStatusError.of(422, 'Invalid', `ListOptions.meta.k8s.io "" is invalid: ${joined}`, {
    group: 'meta.k8s.io',
    kind: 'ListOptions',
    causes: errors.map((error) => ({ reason: error.reason, message: error.message, field: error.field })),
  });
}
