import { KubeStatusError } from '../kube-status-error.js';
import { lowerBound, type ObjectCollection, type StoredObject } from '../store/object-store.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import type { ListOptions } from './list-options.js';

export interface ListPage {
  items: StoredObject[];
  /** The list's resourceVersion: the current one, or that of the first page when continuing. */
  rv: number;
  continueToken?: string;
  remainingItemCount?: number;
}

/** Whether an object passes the label and field selectors of a list or watch. */
export function matchesSelectors(
  stored: StoredObject,
  options: Pick<ListOptions, 'labelSelector' | 'fieldSelector'>,
): boolean {
  if (!options.labelSelector.empty && !options.labelSelector.matches(stored.labels)) return false;
  if (!options.fieldSelector.empty && !options.fieldSelector.matches((field) => stored.fields[field] ?? ''))
    return false;
  return true;
}

/**
 * One page of a list, in key order, like the etcd3 store's GetList: `limit` objects that match, a continue token
 * when keys remain after the last one examined (so a last page may come back empty, as from a real server), and
 * `remainingItemCount` when no selector narrows the list. A continued list answers from the current state with the
 * first page's resourceVersion, which watchers reconcile; once the changes since that version are no longer kept,
 * it answers 410 Expired as a compacted etcd would.
 */
export function selectPage(
  collection: ObjectCollection,
  namespace: string | undefined,
  options: ListOptions,
  currentRv: number,
): ListPage {
  const keys = collection.sortedKeys();
  let rv = currentRv;
  const prefix = namespace === undefined ? '' : `${namespace}/`;
  let start = prefix ? lowerBound(keys, prefix) : 0;
  // '/' + 1 is '0': the first key past every `namespace/...` key.
  const end = prefix ? lowerBound(keys, `${namespace}0`) : keys.length;
  if (options.continueToken) {
    const token = decodeContinue(options.continueToken);
    if (collection.changesSince(token.rv).expired) {
      throw KubeStatusError.of(
        410,
        'Expired',
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
      );
    }
    rv = token.rv;
    start = Math.max(start, lowerBound(keys, token.start));
  } else {
    checkResourceVersion(collection, options, currentRv);
  }
  const unfiltered = options.labelSelector.empty && options.fieldSelector.empty;
  const limit = options.limit ?? Infinity;
  const items: StoredObject[] = [];
  let index = start;
  for (; index < end && items.length < limit; index++) {
    const stored = collection.getByKey(keys[index]);
    if (stored && (unfiltered || matchesSelectors(stored, options))) items.push(stored);
  }
  if (index >= end || items.length === 0) return { items, rv };
  const lastKey = items[items.length - 1].key;
  return {
    items,
    rv,
    continueToken: encodeContinue(rv, lastKey),
    ...(unfiltered ? { remainingItemCount: end - index } : {}),
  };
}

function checkResourceVersion(collection: ObjectCollection, options: ListOptions, currentRv: number): void {
  const { resourceVersion, resourceVersionMatch } = options;
  if (resourceVersion === undefined || resourceVersion === '' || resourceVersion === '0') return;
  const requested = Number(resourceVersion);
  if (!Number.isInteger(requested) || requested < 0) {
    throw KubeStatusError.badRequest(
      `invalid resource version: strconv.ParseUint: parsing ${JSON.stringify(resourceVersion)}: invalid syntax`,
    );
  }
  if (requested > currentRv) throw KubeStatusError.tooLargeResourceVersion(requested, currentRv);
  if (resourceVersionMatch === 'Exact' && requested < currentRv) {
    // The state at an older version can be served only if nothing of this resource changed since.
    const history = collection.changesSince(requested);
    if (history.expired || history.events.length > 0) {
      throw KubeStatusError.gone(`too old resource version: ${requested} (${currentRv})`);
    }
  }
}
