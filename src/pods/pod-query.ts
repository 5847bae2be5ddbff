/**
 * The pod list's filters, order and paging (api.md §3.1) and its facets (§3.6), as data, with the plain-array
 * answer the service gives while a cluster's cache has not synced. `PodIndex` answers the same questions from its
 * indexes; pod-index.spec.ts holds the two to identical pages and facets.
 *
 * Semantics a client can rely on:
 * - Filters combine with AND. `namespace` and `nodeName` are exact; `status` is a comma list of display statuses,
 *   any of which matches, compared case-insensitively; `search` is a case-insensitive substring of one of the name,
 *   namespace, node name, pod IPs, host IPs or container images (see `PodSearchTexts`); `labelSelector` and
 *   `fieldSelector` match as the API server matches them. An empty value (`status=`, `search=`) is no filter.
 * - Order: the sort key, then namespace, then name, both ascending whatever the direction of the key, so the order
 *   is total and a page never depends on how the pods were stored. `desc` reverses the key only. Strings compare by
 *   UTF-16 code units (no locale: the same everywhere). `nodeName` sorts pods bound to no node after all others in
 *   `asc` (before them in `desc`), as SQL sorts NULLs by default. `createdAt` compares the creation time.
 * - Paging: `total` counts every match; a page past the end has no items and the real total.
 * - Facets count, for each value of one of `status`, `namespace`, `nodeName`, the pods that pass every filter but
 *   that one (faceted search: a drop-down shows what choosing each entry would give). Values with no pod are
 *   absent. Pods bound to no node appear in no `nodeName` entry: no `nodeName` choice selects them (the field
 *   selector `spec.nodeName=` does); `total` minus the node counts is their number when no node is chosen.
 * - `canSeeNamespace` narrows everything, facets included, to the namespaces the caller may see (api.md §6).
 */
import type { PodFilterQuery } from './dto/list-pods.query.js';
import type { PodFacets } from './dto/pod-facets.dto.js';
import { ApiError, type ErrorDetail } from '../common/errors/api-error.js';
import { parsePodFieldSelector, podFieldValue, type FieldSelector } from '../common/kube/field-selector.js';
import type { KubePod } from '../common/kube/kube-objects.js';
import { parseLabelSelector, SelectorParseError, type LabelSelector } from '../common/kube/label-selector.js';
import { indexPod, podSearchTexts, type IndexedPod, type PodSearchTexts } from './indexed-pod.js';

export const POD_SORT_KEYS = ['createdAt', 'name', 'namespace', 'status', 'restarts', 'nodeName'] as const;
export type PodSortKey = (typeof POD_SORT_KEYS)[number];

export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

export interface PodSort {
  by: PodSortKey;
  order: SortOrder;
}

export interface PageRequest {
  /** From 1. */
  page: number;
  pageSize: number;
}

export interface PodFilter {
  namespace?: string;
  /** Display statuses, any of which matches; compared case-insensitively. */
  statuses?: readonly string[];
  nodeName?: string;
  /** A substring of one of the pod's search texts, compared case-insensitively. */
  search?: string;
  labelSelector?: LabelSelector;
  fieldSelector?: FieldSelector;
  /** The caller's namespace grants: pods of other namespaces are not there for this query (facets included). */
  canSeeNamespace?: (namespace: string) => boolean;
}

export interface PodQueryResult {
  /** The page, in order. */
  items: IndexedPod[];
  /** Every match, over all pages. */
  total: number;
}

/**
 * Turns query values into a `PodFilter`. A selector the API server would refuse throws
 * `ApiError.validation` (400 `ValidationFailed`) with one detail per bad parameter, named `labelSelector` or
 * `fieldSelector`, carrying the API server's own words (`field label not supported: spec.foo`).
 */
export function parsePodFilter(query: PodFilterQuery): PodFilter {
  const filter: PodFilter = {};
  const details: ErrorDetail[] = [];
  if (query.namespace) filter.namespace = query.namespace;
  if (query.nodeName) filter.nodeName = query.nodeName;
  const statuses = splitStatuses(query.status);
  if (statuses.length > 0) filter.statuses = statuses;
  const search = query.search?.trim().toLowerCase();
  if (search) filter.search = search;
  if (query.labelSelector) {
    const selector = parseSelector('labelSelector', query.labelSelector, parseLabelSelector, details);
    if (selector && !selector.empty) filter.labelSelector = selector;
  }
  if (query.fieldSelector) {
    const selector = parseSelector('fieldSelector', query.fieldSelector, parsePodFieldSelector, details);
    if (selector && !selector.empty) filter.fieldSelector = selector;
  }
  if (details.length > 0) throw ApiError.validation(details);
  return filter;
}

/** The contract's default direction: newest first for `createdAt`, ascending for the rest. */
export function toPodSort(by: PodSortKey = 'createdAt', order?: SortOrder): PodSort {
  return { by, order: order ?? (by === 'createdAt' ? 'desc' : 'asc') };
}

// ---------------------------------------------------------------------------------------------------------------
// Normalized filters, shared by the array path and PodIndex

/** A `PodFilter` with empty parts dropped and texts lower-cased, as both answers read it. */
export interface NormalizedPodFilter {
  readonly namespace?: string;
  /** Lower-cased. */
  readonly statuses?: ReadonlySet<string>;
  readonly nodeName?: string;
  /** Lower-cased; never empty. */
  readonly search?: string;
  readonly labelSelector?: LabelSelector;
  readonly fieldSelector?: FieldSelector;
  readonly canSeeNamespace?: (namespace: string) => boolean;
}

export function normalizePodFilter(filter: PodFilter): NormalizedPodFilter {
  const statuses = (filter.statuses ?? []).map((status) => status.trim().toLowerCase()).filter(Boolean);
  const search = filter.search?.trim().toLowerCase();
  return {
    ...(filter.namespace ? { namespace: filter.namespace } : {}),
    ...(statuses.length > 0 ? { statuses: new Set(statuses) } : {}),
    ...(filter.nodeName ? { nodeName: filter.nodeName } : {}),
    ...(search ? { search } : {}),
    ...(filter.labelSelector && !filter.labelSelector.empty ? { labelSelector: filter.labelSelector } : {}),
    ...(filter.fieldSelector && !filter.fieldSelector.empty ? { fieldSelector: filter.fieldSelector } : {}),
    ...(filter.canSeeNamespace ? { canSeeNamespace: filter.canSeeNamespace } : {}),
  };
}

export function matchesSearch(texts: PodSearchTexts, needle: string): boolean {
  return (
    texts.name.includes(needle) ||
    texts.namespace.includes(needle) ||
    texts.nodeName.includes(needle) ||
    texts.podIPs.some((ip) => ip.includes(needle)) ||
    texts.hostIPs.some((ip) => ip.includes(needle)) ||
    texts.images.some((image) => image.includes(needle))
  );
}

export function matchesFieldSelector(selector: FieldSelector, pod: KubePod): boolean {
  return selector.matches((field) => podFieldValue(pod, field));
}

/** `page` and `pageSize` are positive integers (the DTO checks the contract's bounds). */
export function assertPageRequest({ page, pageSize }: PageRequest): void {
  if (!Number.isSafeInteger(page) || page < 1) throw new RangeError(`page must be an integer ≥ 1, not ${page}`);
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
    throw new RangeError(`pageSize must be an integer ≥ 1, not ${pageSize}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Order

export type PodComparator = (a: IndexedPod, b: IndexedPod) => number;

const PRIMARY: Record<PodSortKey, PodComparator> = {
  createdAt: (a, b) => compareNumbers(a.createdAt, b.createdAt),
  name: (a, b) => compareStrings(a.name, b.name),
  namespace: (a, b) => compareStrings(a.namespace, b.namespace),
  status: (a, b) => compareStrings(a.status, b.status),
  restarts: (a, b) => compareNumbers(a.restarts, b.restarts),
  nodeName: (a, b) => compareNodeNames(a.nodeName, b.nodeName),
};

/** The sort key alone, ascending. */
export function comparePrimary(by: PodSortKey): PodComparator {
  return PRIMARY[by];
}

/** The tie-break of every order: namespace, then name, ascending. */
export function compareTies(a: IndexedPod, b: IndexedPod): number {
  return compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name);
}

/** The list order of `sort`: the key in its direction, then namespace and name ascending. */
export function podComparator({ by, order }: PodSort): PodComparator {
  const primary = PRIMARY[by];
  return order === 'asc' ? (a, b) => primary(a, b) || compareTies(a, b) : (a, b) => primary(b, a) || compareTies(a, b);
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Node names ascending, `''` (no node) after every name. */
export function compareNodeNames(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  return a < b ? -1 : 1;
}

// ---------------------------------------------------------------------------------------------------------------
// The plain-array answer (before the cache has synced): the reference semantics, without indexes

/** Whether a pod passes every filter; for one pod at a time (watch streams), or the array path. */
export function createPodMatcher(filter: PodFilter): (item: IndexedPod) => boolean {
  const check = createFacetChecks(normalizePodFilter(filter));
  return (item) => check.base(item) && check.namespace(item) && check.status(item) && check.nodeName(item);
}

/** One page of `pods` as `PodIndex.query` would give it over the same pods. */
export function queryPodArray(
  pods: Iterable<KubePod>,
  filter: PodFilter,
  sort: PodSort,
  page: PageRequest,
): PodQueryResult {
  assertPageRequest(page);
  const matches = createPodMatcher(filter);
  const selected: IndexedPod[] = [];
  for (const pod of pods) {
    const item = indexPod(pod);
    if (matches(item)) selected.push(item);
  }
  selected.sort(podComparator(sort));
  const start = (page.page - 1) * page.pageSize;
  return { items: selected.slice(start, start + page.pageSize), total: selected.length };
}

/** The facets of `pods` as `PodIndex.facets` would count them over the same pods. */
export function facetPodArray(pods: Iterable<KubePod>, filter: PodFilter): PodFacets {
  const check = createFacetChecks(normalizePodFilter(filter));
  const status = new Map<string, number>();
  const namespace = new Map<string, number>();
  const nodeName = new Map<string, number>();
  let total = 0;
  for (const pod of pods) {
    const item = indexPod(pod);
    if (!check.base(item)) continue;
    const inNamespace = check.namespace(item);
    const inStatus = check.status(item);
    const onNode = check.nodeName(item);
    if (inNamespace && onNode) increment(status, item.status);
    if (inStatus && onNode) increment(namespace, item.namespace);
    if (inNamespace && inStatus && item.nodeName !== '') increment(nodeName, item.nodeName);
    if (inNamespace && inStatus && onNode) total++;
  }
  return { total, status: toCounts(status), namespace: toCounts(namespace), nodeName: toCounts(nodeName) };
}

/** Facet counts as a JSON object, keys in code-unit order (so two answers compare equal as text too). */
export function toCounts(counts: Iterable<[string, number]>): Record<string, number> {
  return Object.fromEntries([...counts].filter(([, count]) => count > 0).sort(([a], [b]) => compareStrings(a, b)));
}

interface FacetChecks {
  /** Every filter that no facet leaves out: search, selectors, namespace grants. */
  base(item: IndexedPod): boolean;
  namespace(item: IndexedPod): boolean;
  status(item: IndexedPod): boolean;
  nodeName(item: IndexedPod): boolean;
}

function createFacetChecks(filter: NormalizedPodFilter): FacetChecks {
  const { namespace, statuses, nodeName, search, labelSelector, fieldSelector, canSeeNamespace } = filter;
  return {
    base: (item) =>
      (!canSeeNamespace || canSeeNamespace(item.namespace)) &&
      (search === undefined || matchesSearch(podSearchTexts(item.pod), search)) &&
      (!labelSelector || labelSelector.matches(item.pod.metadata.labels)) &&
      (!fieldSelector || matchesFieldSelector(fieldSelector, item.pod)),
    namespace: (item) => namespace === undefined || item.namespace === namespace,
    status: (item) => !statuses || statuses.has(item.status.toLowerCase()),
    nodeName: (item) => nodeName === undefined || item.nodeName === nodeName,
  };
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function splitStatuses(status: string | undefined): string[] {
  if (!status) return [];
  return [...new Set(status.split(',').map((part) => part.trim().toLowerCase()))].filter(Boolean);
}

function parseSelector<T>(
  field: 'labelSelector' | 'fieldSelector',
  text: string,
  parse: (text: string) => T,
  details: ErrorDetail[],
): T | undefined {
  try {
    return parse(text);
  } catch (error) {
    if (!(error instanceof SelectorParseError)) throw error;
    details.push({ field, message: error.message });
    return undefined;
  }
}
