import { toPodSummary } from './dto/pod-summary.dto.js';
import type { IndexedPod } from './indexed-pod.js';

/**
 * Where list items are kept rendered between requests, as `podSummaryJson` renders them: the pod index given it as
 * its renderer, per pod version (`PodIndex.rendered`).
 */
export interface RenderingStore {
  rendered(item: IndexedPod): string;
}

/** The pod's list item (api.md §3.1) as JSON. */
export function podSummaryJson(item: IndexedPod): string {
  return JSON.stringify(toPodSummary(item.pod, item));
}

/**
 * A page of pods as the list's `data` (a `Page<PodSummary>` in JSON), each item's JSON taken from `store` when it
 * has it: serializing twenty pods costs more than the rest of answering a page from the index.
 */
export function podPageJson(
  items: readonly IndexedPod[],
  total: number,
  page: { page: number; pageSize: number },
  store?: RenderingStore,
): string {
  let json = '{"items":[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) json += ',';
    json += store ? store.rendered(items[i]) : podSummaryJson(items[i]);
  }
  json += `],"total":${total},"page":${page.page},"pageSize":${page.pageSize}}`;
  return json;
}
