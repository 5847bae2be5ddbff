/**
 * Distinct values under small integer ids, with a count of the holders of each: a pod index stores the id of its
 * namespace, node, status, … in a typed array, and a query decides once per id instead of once per pod. An id whose
 * last holder lets go is given to the next new key, so ids stay dense.
 */
export class InternTable<T> {
  private readonly ids = new Map<string, number>();
  private readonly keys: (string | undefined)[] = [];
  private readonly values: (T | undefined)[] = [];
  private readonly holders: number[] = [];
  private readonly free: number[] = [];
  /** The held ids in key order, until a key is added or freed. */
  private sorted: number[] | undefined;

  /** One more than the largest id ever given: the length of an array indexed by id. */
  get capacity(): number {
    return this.keys.length;
  }

  /** Keys held. */
  get size(): number {
    return this.ids.size;
  }

  /** The id of `key`, with one more holder; `create` makes its value the first time. */
  acquire(key: string, create: (key: string) => T): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.free.pop() ?? this.keys.length;
      this.ids.set(key, id);
      this.keys[id] = key;
      this.values[id] = create(key);
      this.holders[id] = 0;
      this.sorted = undefined;
    }
    this.holders[id]++;
    return id;
  }

  /** One holder fewer; true when it was the last, and the id is free again. */
  release(id: number): boolean {
    if (--this.holders[id] > 0) return false;
    this.ids.delete(this.keys[id]!);
    this.keys[id] = undefined;
    this.values[id] = undefined;
    this.free.push(id);
    this.sorted = undefined;
    return true;
  }

  idOf(key: string): number | undefined {
    return this.ids.get(key);
  }

  /** The key of a held id. */
  key(id: number): string {
    return this.keys[id]!;
  }

  /** The value of a held id. */
  value(id: number): T {
    return this.values[id]!;
  }

  /** Whether `id` is given to a key now (ids up to `capacity` may be free). */
  isHeld(id: number): boolean {
    return this.keys[id] !== undefined;
  }

  holderCount(id: number): number {
    return this.keys[id] === undefined ? 0 : this.holders[id];
  }

  /** The held ids ordered by key (UTF-16 code units), kept until a key is added or freed. Do not modify. */
  sortedIds(): readonly number[] {
    if (!this.sorted) {
      const keys = this.keys;
      this.sorted = [...this.ids.values()].sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
    }
    return this.sorted;
  }

  forEach(visit: (id: number, key: string, value: T) => void): void {
    for (const [key, id] of this.ids) visit(id, key, this.values[id]!);
  }
}
