import type { KubeObjectMeta } from '../../common/kube/kube-objects.js';

/** Any Kubernetes object as it travels on the wire. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  [field: string]: unknown;
}

/** Any typed Kubernetes object (KubePod, KubeNode, …): what the cluster's methods take and give back. */
export interface KubeObjectLike {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * One stored version of an object. Immutable: a write stores a new StoredObject, so a list snapshot, a watch
 * history entry and a reader can hold on to one without copying. The object lives as its JSON text (the form
 * every response needs, and a third of the memory of the parsed object), plus what selectors read.
 */
export interface StoredObject {
  readonly rv: number;
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly json: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The selectable fields (`metadata.name`, `spec.nodeName`, …) as the field selector compares them. */
  readonly fields: Readonly<Record<string, string>>;
}

export interface ChangeEvent {
  readonly type: ChangeType;
  readonly object: StoredObject;
  /** The version before this change (MODIFIED and DELETED), for selector transitions. */
  readonly previous?: StoredObject;
}

export interface StoreWatcher {
  /** Only changes in this namespace reach the watcher (all namespaces when undefined). */
  readonly namespace?: string;
  /** Called synchronously, in resourceVersion order, for every change in the watcher's namespace. */
  notify(event: ChangeEvent): void;
}

export interface CollectionOptions {
  readonly namespaced: boolean;
  /** The selectable fields of an object of this resource. */
  fieldsOf(object: KubeObject): Record<string, string>;
  /** How many changes are kept for watches that resume from a resourceVersion. */
  readonly historyLimit: number;
}

export type HistoryResult = { expired: false; events: readonly ChangeEvent[] } | { expired: true; oldest: number };

/** The one resourceVersion counter of a simulated cluster, shared by every resource as etcd's revision is. */
export class VersionClock {
  private value: number;

  constructor(start = 1) {
    this.value = start;
  }

  get current(): number {
    return this.value;
  }

  next(): number {
    this.value += 1;
    return this.value;
  }
}

/**
 * The objects of one resource: a map by key (`namespace/name`, or `name` when cluster-scoped), the keys in etcd
 * order for paging, a bounded history of changes for watches, and the watchers to tell.
 */
export class ObjectCollection {
  private readonly items = new Map<string, StoredObject>();
  private sorted?: string[];
  private history: ChangeEvent[] = [];
  /** Changes at or below this version may have been dropped from the history. */
  private compactedRv: number;
  private readonly watchers = new Set<StoreWatcher>();
  private readonly deliveries: ChangeEvent[] = [];
  private delivering = false;

  constructor(
    private readonly clock: VersionClock,
    private readonly options: CollectionOptions,
  ) {
    this.compactedRv = clock.current;
  }

  get size(): number {
    return this.items.size;
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  keyOf(namespace: string | undefined, name: string): string {
    return this.options.namespaced ? `${namespace ?? ''}/${name}` : name;
  }

  get(namespace: string | undefined, name: string): StoredObject | undefined {
    return this.items.get(this.keyOf(namespace, name));
  }

  getByKey(key: string): StoredObject | undefined {
    return this.items.get(key);
  }

  /** Every key in byte order, which is etcd's order and so the order of every list. */
  sortedKeys(): readonly string[] {
    if (!this.sorted) this.sorted = [...this.items.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return this.sorted;
  }

  /** The objects of one namespace (all when undefined), in list order. */
  *values(namespace?: string): Iterable<StoredObject> {
    const keys = this.sortedKeys();
    if (namespace === undefined || !this.options.namespaced) {
      for (const key of keys) yield this.items.get(key)!;
      return;
    }
    const prefix = `${namespace}/`;
    for (let index = lowerBound(keys, prefix); index < keys.length && keys[index].startsWith(prefix); index++) {
      yield this.items.get(keys[index])!;
    }
  }

  /** Stores a new version (create or update), stamping the next resourceVersion into it; tells the watchers. */
  write(object: KubeObject): StoredObject {
    const stored = this.stamp(object);
    const previous = this.items.get(stored.key);
    if (!previous) this.sorted = undefined;
    this.items.set(stored.key, stored);
    this.record({ type: previous ? 'MODIFIED' : 'ADDED', object: stored, previous });
    return stored;
  }

  /** Removes an object; `finalState` is what the DELETED event carries (the last version when omitted). */
  remove(key: string, finalState?: KubeObject): StoredObject | undefined {
    const previous = this.items.get(key);
    if (!previous) return undefined;
    const stored = this.stamp(finalState ?? (JSON.parse(previous.json) as KubeObject));
    this.items.delete(key);
    this.sorted = undefined;
    this.record({ type: 'DELETED', object: stored, previous });
    return stored;
  }

  /**
   * Loads objects without history or notifications (start-up seeding, the scale mode): a watch can only resume
   * from a version after the load.
   */
  load(objects: Iterable<KubeObject>): number {
    let count = 0;
    for (const object of objects) {
      const stored = this.stamp(object);
      this.items.set(stored.key, stored);
      count++;
    }
    this.sorted = undefined;
    this.compactedRv = this.clock.current;
    return count;
  }

  /** The changes after `rv`, or `expired` when some of them are no longer kept (the client must re-list). */
  changesSince(rv: number): HistoryResult {
    if (rv < this.compactedRv) return { expired: true, oldest: this.compactedRv + 1 };
    const start = upperBoundByRv(this.history, rv);
    return { expired: false, events: this.history.slice(start) };
  }

  /** Forgets the history, as an etcd compaction does: watches from any earlier version get 410 Gone. */
  compact(): void {
    this.history = [];
    this.compactedRv = this.clock.current;
  }

  watch(watcher: StoreWatcher): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  private stamp(object: KubeObject): StoredObject {
    const rv = this.clock.next();
    object.metadata.resourceVersion = String(rv);
    const { name = '', namespace, uid = '' } = object.metadata;
    return {
      rv,
      key: this.keyOf(namespace, name),
      namespace: this.options.namespaced ? (namespace ?? '') : '',
      name,
      uid,
      json: JSON.stringify(object),
      labels: object.metadata.labels ?? EMPTY,
      fields: this.options.fieldsOf(object),
    };
  }

  private record(event: ChangeEvent): void {
    this.history.push(event);
    const limit = this.options.historyLimit;
    // Trim in batches so that each write stays O(1) amortized.
    if (this.history.length > limit + Math.max(16, limit >> 2)) {
      const dropped = this.history.length - limit;
      this.compactedRv = this.history[dropped - 1].object.rv;
      this.history = this.history.slice(dropped);
    }
    // A watcher that writes while being told (a controller reacting) must not reorder events for the others:
    // changes made during a delivery are delivered after it, in order.
    this.deliveries.push(event);
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let next = this.deliveries.shift(); next; next = this.deliveries.shift()) {
        for (const watcher of [...this.watchers]) {
          if (watcher.namespace !== undefined && watcher.namespace !== next.object.namespace) continue;
          watcher.notify(next);
        }
      }
    } finally {
      this.delivering = false;
    }
  }
}

const EMPTY: Readonly<Record<string, string>> = Object.freeze({});

/** The first index whose key is >= `key`. */
export function lowerBound(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keys[middle] < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

function upperBoundByRv(events: readonly ChangeEvent[], rv: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (events[middle].object.rv <= rv) low = middle + 1;
    else high = middle;
  }
  return low;
}
