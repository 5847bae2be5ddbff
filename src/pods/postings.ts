/**
 * Posting lists keyed by any value (a trigram, a `key=value` label pair…): for each key, the ids (pod slots, value
 * ids) having it, ascending, in a typed array with spare room. Adding and removing cost a binary search and a
 * memmove of the tail (a few microseconds for 100 000 ids); ascending lists intersect by galloping.
 */
const NO_IDS = new Int32Array(0);

interface Posting {
  ids: Int32Array;
  length: number;
}

export class Postings<K> {
  private readonly lists = new Map<K, Posting>();

  /** Keys with at least one id. */
  get size(): number {
    return this.lists.size;
  }

  /** Adds `id` under `key` (no-op when it is there already). */
  add(key: K, id: number): void {
    let posting = this.lists.get(key);
    if (!posting) this.lists.set(key, (posting = { ids: new Int32Array(4), length: 0 }));
    const { length } = posting;
    // Ids mostly arrive in ascending order (an index filled slot by slot): append without searching.
    const at = length === 0 || posting.ids[length - 1] < id ? length : lowerBound(posting.ids, length, id);
    if (at < length && posting.ids[at] === id) return;
    if (length === posting.ids.length) {
      const grown = new Int32Array(Math.ceil(length * 1.5) + 4);
      grown.set(posting.ids);
      posting.ids = grown;
    }
    if (at < length) posting.ids.copyWithin(at + 1, at, length);
    posting.ids[at] = id;
    posting.length = length + 1;
  }

  /** Removes `id` from under `key` (no-op when it is not there). */
  remove(key: K, id: number): void {
    const posting = this.lists.get(key);
    if (!posting) return;
    const at = lowerBound(posting.ids, posting.length, id);
    if (at >= posting.length || posting.ids[at] !== id) return;
    posting.ids.copyWithin(at, at + 1, posting.length);
    if (--posting.length === 0) this.lists.delete(key);
    else if (posting.length < posting.ids.length / 4 && posting.ids.length > 64) {
      posting.ids = posting.ids.slice(0, 2 * posting.length);
    }
  }

  /** Puts `ids` (ascending, without repeats; kept, not copied) under `key`, which holds none yet. */
  load(key: K, ids: Int32Array): void {
    if (ids.length > 0) this.lists.set(key, { ids, length: ids.length });
  }

  /** The ids under `key`, ascending: a view valid until the next change. */
  get(key: K): Int32Array {
    const posting = this.lists.get(key);
    return posting ? posting.ids.subarray(0, posting.length) : NO_IDS;
  }

  count(key: K): number {
    return this.lists.get(key)?.length ?? 0;
  }

  forEach(visit: (ids: Int32Array, key: K) => void): void {
    for (const [key, posting] of this.lists) visit(posting.ids.subarray(0, posting.length), key);
  }
}

function lowerBound(ids: Int32Array, length: number, id: number): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (ids[middle] < id) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Writes the ids in both ascending lists (`small` the shorter), galloping through `large`, into `into` (at least
 * as long as `small`; it may be `small` itself), and returns how many.
 */
export function intersect(small: Int32Array, large: Int32Array, into: Int32Array): number {
  let count = 0;
  const largeLength = large.length;
  let j = 0;
  for (let i = 0; i < small.length && j < largeLength; i++) {
    const id = small[i];
    if (large[j] < id) {
      // Every position below `low` holds less than id; probe 1, 2, 4… further, then search the last step.
      let low = j + 1;
      let high = low;
      for (let step = 1; high < largeLength && large[high] < id; step *= 2) {
        low = high + 1;
        high = low + step;
      }
      high = Math.min(high, largeLength);
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (large[middle] < id) low = middle + 1;
        else high = middle;
      }
      j = low;
    }
    if (j < largeLength && large[j] === id) into[count++] = id;
  }
  return count;
}
