/**
 * Items kept sorted under a total order — a primary key, then a tie-break — and read in either direction of the
 * primary key with ties always in tie-break order (the pod list's "sort key in its direction, then namespace and
 * name ascending"), so one array serves both `asc` and `desc`.
 *
 * A plain array (of pod slots: small integers, stored unboxed and contiguous): a page is read from its position
 * without copying, and a change costs a binary search and a splice (a memmove: ~8 µs at 100 000 items on the
 * reference machine, docs/performance.md). `rebuild` applies a batch of changes in one merge instead.
 *
 * Beside the items, one byte per position says whether the item there starts a group of equal keys, moved with
 * them on every change: a `desc` walk, which reads each group in tie-break order, finds where groups start by
 * reading those bytes in sequence. Comparing each item's key with its neighbour's instead reads the keys of items
 * scattered over the whole key column, a cache miss each: 10–25 ns per item, against ~2 for the bytes.
 */
import type { SortOrder } from './pod-query.js';

export type Compare<T> = (a: T, b: T) => number;

/** Where `collect` appends items: an array, or a `SlotBuffer`. */
export interface Sink<T> {
  readonly length: number;
  /** Appends; returns the new length. */
  push(item: T): number;
}

/**
 * Pod slots appended into an `Int32Array`: in V8 appending to a plain array that grows as it goes costs ~15 ns an
 * item (mostly its reallocations), a write into a typed array reserved beforehand ~3.
 */
export class SlotBuffer implements Sink<number> {
  length = 0;
  private slots: Int32Array;

  constructor(capacity = 16) {
    this.slots = new Int32Array(Math.max(1, capacity));
  }

  static of(slots: ArrayLike<number>): SlotBuffer {
    const buffer = new SlotBuffer(slots.length);
    for (let i = 0; i < slots.length; i++) buffer.push(slots[i]);
    return buffer;
  }

  push(slot: number): number {
    if (this.length === this.slots.length) this.reserve(2 * this.length);
    this.slots[this.length++] = slot;
    return this.length;
  }

  /** Room for `capacity` slots: growing step by step while appending costs more than the appends themselves. */
  reserve(capacity: number): void {
    if (capacity <= this.slots.length) return;
    const grown = new Int32Array(capacity);
    grown.set(this.slots.subarray(0, this.length));
    this.slots = grown;
  }

  get(index: number): number {
    return this.slots[index];
  }

  get byteLength(): number {
    return this.slots.byteLength;
  }
}

// Groups are mostly small: look this many positions for a group's end before galloping.
const NEAR = 8;

export class SortedOrder<T> {
  private items: T[] = [];
  /** Per position: 1 when the item there starts a group of equal keys (position 0 always does). */
  private starts = new Uint8Array(1024);
  private readonly sameKey: (a: T, b: T) => boolean;

  constructor(
    /** The sort key, ascending; 0 for items that tie. */
    private readonly primary: Compare<T>,
    /** Orders items whose primary keys tie; 0 only for the same item. */
    private readonly ties: Compare<T>,
    /** Whether two items' primary keys tie: `primary(a, b) === 0`, or something cheaper that says the same. */
    sameKey?: (a: T, b: T) => boolean,
  ) {
    this.sameKey = sameKey ?? ((a, b) => primary(a, b) === 0);
  }

  get size(): number {
    return this.items.length;
  }

  insert(item: T): void {
    const at = this.lowerBound(item);
    this.items.splice(at, 0, item);
    const size = this.items.length;
    if (size > this.starts.length) this.starts = grown(this.starts, size);
    this.starts.copyWithin(at + 1, at, size - 1);
    this.markStart(at);
    if (at + 1 < size) this.markStart(at + 1);
  }

  /** Removes `item`, found by its sort position: what the comparators read of it must not have changed since. */
  remove(item: T): void {
    const at = this.indexOf(item);
    this.items.splice(at, 1);
    this.starts.copyWithin(at, at + 1, this.items.length + 1);
    if (at < this.items.length) this.markStart(at);
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
    if (merged.length > this.starts.length) this.starts = grown(this.starts, merged.length);
    for (let i = 0; i < merged.length; i++) this.markStart(i);
  }

  /** At most `count` items from position `start` (from 0) of the order in direction `order`. */
  slice(order: SortOrder, start: number, count: number): T[] {
    const page: T[] = [];
    if (count <= 0) return page;
    this.collect(order, start, () => true, page, count);
    return page;
  }

  /**
   * Reads the order in direction `order` from position `start`, appending to `out` the items `accept` takes, until
   * `out` holds `want` items or the order ends; returns the position after the last item read, from which a later
   * call goes on (the order must not have changed in between). `accept` is a test, or a bit set over items that are
   * small integers (bit `item` set: taken), read without a call per item.
   *
   * `desc` reads groups of equal primary keys from the last group to the first, each group in tie-break order.
   */
  collect(
    order: SortOrder,
    start: number,
    accept: Uint32Array | ((item: T) => boolean),
    out: Sink<T>,
    want: number,
  ): number {
    const items = this.items;
    const size = items.length;
    if (start >= size || out.length >= want) return start;
    const bits = typeof accept === 'function' ? undefined : accept;
    const test = typeof accept === 'function' ? accept : undefined;
    if (order === 'asc') {
      let i = start;
      if (bits) {
        while (i < size) {
          const item = items[i++] as number;
          if ((bits[item >>> 5] & (1 << (item & 31))) !== 0 && out.push(item as T) >= want) break;
        }
      } else {
        while (i < size) {
          const item = items[i++];
          if (test!(item) && out.push(item) >= want) break;
        }
      }
      return i;
    }
    // Desc position p is, counted from the end, index j = size-1-p. Its group [first, last] holds the same items in
    // both directions, so p maps to first + last - j. After that group, groups end at first-1, and so on down.
    const j = size - 1 - start;
    const first = this.groupStart(j);
    const last = this.groupEnd(j);
    let position = start;
    for (let i = first + last - j; i <= last; i++) {
      position++;
      if ((bits ? has(bits, items[i] as number) : test!(items[i])) && out.push(items[i]) >= want) return position;
    }
    return bits
      ? this.collectDescBits(first - 1, position, bits, out as unknown as Sink<number>, want)
      : this.collectDesc(first - 1, position, test!, out, want);
  }

  // The rest of a desc `collect`, from the group ending at index `end`. Groups of one item, the most common, take a
  // look at one start mark; longer ones are read from their start.
  private collectDescBits(end: number, position: number, bits: Uint32Array, out: Sink<number>, want: number): number {
    const items = this.items as unknown as number[];
    const starts = this.starts;
    let k = end;
    while (k >= 0) {
      if (starts[k] === 1) {
        position++;
        const item = items[k--];
        if ((bits[item >>> 5] & (1 << (item & 31))) !== 0 && out.push(item) >= want) return position;
        continue;
      }
      const first = this.groupStartBefore(k);
      for (let i = first; i <= k; i++) {
        position++;
        const item = items[i];
        if ((bits[item >>> 5] & (1 << (item & 31))) !== 0 && out.push(item) >= want) return position;
      }
      k = first - 1;
    }
    return position;
  }

  private collectDesc(end: number, position: number, test: (item: T) => boolean, out: Sink<T>, want: number): number {
    const items = this.items;
    const starts = this.starts;
    let k = end;
    while (k >= 0) {
      if (starts[k] === 1) {
        position++;
        const item = items[k--];
        if (test(item) && out.push(item) >= want) return position;
        continue;
      }
      const first = this.groupStartBefore(k);
      for (let i = first; i <= k; i++) {
        position++;
        if (test(items[i]) && out.push(items[i]) >= want) return position;
      }
      k = first - 1;
    }
    return position;
  }

  /** `groupStart(k)` for an item that does not start its group. */
  private groupStartBefore(k: number): number {
    const starts = this.starts;
    let first = k - 1;
    while (first > k - NEAR && starts[first] === 0) first--;
    return starts[first] === 1 ? first : this.groupStart(k);
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

  private markStart(at: number): void {
    this.starts[at] = at === 0 || !this.sameKey(this.items[at - 1], this.items[at]) ? 1 : 0;
  }

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

  // The first index of the group of items[j]: a few steps back through the start marks, then a gallop down (1, 2,
  // 4, … steps) and a binary search over the marks, so a walk costs O(log group size) per group, never a scan of a
  // large group.
  private groupStart(j: number): number {
    const starts = this.starts;
    for (let first = j; first > j - NEAR; first--) if (starts[first] === 1) return first;
    // starts[j - NEAR + 1 … j] are 0: the group began earlier. Gallop to a position at or before its start.
    let inside = j - NEAR + 1;
    let outside = -1;
    for (let step = NEAR; ; step *= 2) {
      const probe = inside - step;
      if (probe < 0) break;
      if (!this.sameKey(this.items[probe], this.items[j])) {
        outside = probe;
        break;
      }
      inside = probe;
    }
    let low = outside + 1;
    let high = inside;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.sameKey(this.items[middle], this.items[j])) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  // The last index of the group of items[j].
  private groupEnd(j: number): number {
    const starts = this.starts;
    const size = this.items.length;
    for (let last = j; last < j + NEAR; last++) if (last + 1 >= size || starts[last + 1] === 1) return last;
    let inside = j + NEAR - 1;
    let outside = size;
    for (let step = NEAR; ; step *= 2) {
      const probe = inside + step;
      if (probe >= size) break;
      if (!this.sameKey(this.items[probe], this.items[j])) {
        outside = probe;
        break;
      }
      inside = probe;
    }
    let low = inside;
    let high = outside - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (this.sameKey(this.items[middle], this.items[j])) low = middle;
      else high = middle - 1;
    }
    return low;
  }
}

function has(bits: Uint32Array, item: number): boolean {
  return (bits[item >>> 5] & (1 << (item & 31))) !== 0;
}

function grown(array: Uint8Array, atLeast: number): Uint8Array<ArrayBuffer> {
  const next = new Uint8Array(Math.max(2 * array.length, atLeast));
  next.set(array);
  return next;
}
