/**
 * Items kept sorted under a total order — a primary key, then a tie-break — and read in either direction of the
 * primary key with ties always in tie-break order (the pod list's "sort key in its direction, then namespace and
 * name ascending"), so one array serves both `asc` and `desc`.
 *
 * A plain array (of pod slots: small integers, stored unboxed and contiguous): a page is read from its position
 * without copying, and a change costs a binary search and a splice (a memmove: ~8 µs at 100 000 items on the
 * reference machine, docs/performance.md). `rebuild` applies a batch of changes in one merge instead.
 */
import type { SortOrder } from './pod-query.js';

export type Compare<T> = (a: T, b: T) => number;

export class SortedOrder<T> {
  private items: T[] = [];

  constructor(
    /** The sort key, ascending; 0 for items that tie. */
    private readonly primary: Compare<T>,
    /** Orders items whose primary keys tie; 0 only for the same item. */
    private readonly ties: Compare<T>,
  ) {}

  get size(): number {
    return this.items.length;
  }

  insert(item: T): void {
    this.items.splice(this.lowerBound(item), 0, item);
  }

  /** Removes `item`, found by its sort position: what the comparators read of it must not have changed since. */
  remove(item: T): void {
    this.items.splice(this.indexOf(item), 1);
  }

  /** Keeps the items `keep` accepts and adds `added` (any order), in one pass: O(n + k log k) for k changes. */
  rebuild(keep: (item: T) => boolean, added: readonly T[]): void {
    const kept = this.items.filter(keep);
    const incoming = [...added].sort(this.compare);
    const merged: T[] = [];
    let k = 0;
    let a = 0;
    while (k < kept.length && a < incoming.length) {
      merged.push(this.compare(incoming[a], kept[k]) < 0 ? incoming[a++] : kept[k++]);
    }
    while (k < kept.length) merged.push(kept[k++]);
    while (a < incoming.length) merged.push(incoming[a++]);
    this.items = merged;
  }

  /** At most `count` items from position `start` (from 0) of the order in direction `order`. */
  slice(order: SortOrder, start: number, count: number): T[] {
    const page: T[] = [];
    if (count <= 0) return page;
    this.walk(order, start, (item) => page.push(item) < count);
    return page;
  }

  /**
   * Visits the items in direction `order` from position `start` (from 0) while `visit` returns true.
   * `desc` walks groups of equal primary keys from the last group to the first, each group in tie-break order.
   */
  walk(order: SortOrder, start: number, visit: (item: T) => boolean): void {
    const items = this.items;
    const size = items.length;
    if (start >= size) return;
    if (order === 'asc') {
      for (let i = start; i < size; i++) if (!visit(items[i])) return;
      return;
    }
    // Desc position p is, counted from the end, index j = size-1-p. Its group [first, last] holds the same items in
    // both directions, so p maps to first + last - j.
    const j = size - 1 - start;
    let first = this.groupStart(j);
    let last = this.groupEnd(j);
    let i = first + last - j;
    for (;;) {
      if (!visit(items[i])) return;
      if (++i > last) {
        if (first === 0) return;
        last = first - 1;
        first = this.groupStart(last);
        i = first;
      }
    }
  }

  /** The order's comparison in direction `order` (ties in tie-break order either way), for sorting a few items. */
  comparator(order: SortOrder): Compare<T> {
    return order === 'asc' ? this.compare : (a, b) => this.primary(b, a) || this.ties(a, b);
  }

  /** Every item in ascending order (a copy). */
  toArray(): T[] {
    return [...this.items];
  }

  private readonly compare: Compare<T> = (a, b) => this.primary(a, b) || this.ties(a, b);

  private lowerBound(item: T): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.compare(this.items[middle], item) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private indexOf(item: T): number {
    const index = this.lowerBound(item);
    if (this.items[index] === item) return index;
    // Only an item whose sort values changed behind the order's back gets here: find it rather than corrupt the order.
    const found = this.items.indexOf(item);
    if (found < 0) throw new Error('SortedOrder: the item is not held');
    return found;
  }

  // The first index of the group of items[j]: gallop down (1, 2, 4, … steps), then binary search, so a walk costs
  // O(log group size) per group, never a scan of a large group.
  private groupStart(j: number): number {
    const pivot = this.items[j];
    let inside = j;
    let outside = -1;
    for (let step = 1; ; step *= 2) {
      const probe = inside - step;
      if (probe < 0) break;
      if (this.primary(this.items[probe], pivot) !== 0) {
        outside = probe;
        break;
      }
      inside = probe;
    }
    let low = outside + 1;
    let high = inside;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.primary(this.items[middle], pivot) === 0) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  private groupEnd(j: number): number {
    const pivot = this.items[j];
    const size = this.items.length;
    let inside = j;
    let outside = size;
    for (let step = 1; ; step *= 2) {
      const probe = inside + step;
      if (probe >= size) break;
      if (this.primary(this.items[probe], pivot) !== 0) {
        outside = probe;
        break;
      }
      inside = probe;
    }
    let low = inside;
    let high = outside - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (this.primary(this.items[middle], pivot) === 0) low = middle;
      else high = middle - 1;
    }
    return low;
  }
}
