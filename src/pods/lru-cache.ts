/**
 * A least-recently-used map bounded both in entries and in a cost (roughly, bytes) that each entry declares and
 * may re-declare as it grows. Evicted values are handed to `onEvict`, so that what they hold can be reused.
 */
export interface LruLimits {
  entries: number;
  cost: number;
}

interface Held<V> {
  value: V;
  cost: number;
}

export class LruCache<V> {
  private readonly held = new Map<string, Held<V>>();
  private totalCost = 0;

  constructor(
    private readonly limits: LruLimits,
    private readonly onEvict: (value: V) => void = () => {},
  ) {}

  get size(): number {
    return this.held.size;
  }

  get cost(): number {
    return this.totalCost;
  }

  /** Whether `key` is held; its place in the order does not change. */
  has(key: string): boolean {
    return this.held.has(key);
  }

  /** The value of `key`, now the most recently used. */
  get(key: string): V | undefined {
    const held = this.held.get(key);
    if (!held) return undefined;
    this.held.delete(key);
    this.held.set(key, held);
    return held.value;
  }

  /**
   * Keeps `value` under `key` as the most recently used, at `cost`; a value already there under the key is
   * replaced (and evicted unless it is the same value). Least recently used entries go while over a limit; a value
   * over a limit on its own is not kept (and is evicted at once).
   */
  set(key: string, value: V, cost: number): void {
    const previous = this.held.get(key);
    if (previous) {
      this.held.delete(key);
      this.totalCost -= previous.cost;
      if (previous.value !== value) this.onEvict(previous.value);
    }
    if (cost > this.limits.cost || this.limits.entries < 1) {
      this.onEvict(value);
      return;
    }
    this.held.set(key, { value, cost });
    this.totalCost += cost;
    for (const [oldest, entry] of this.held) {
      if (this.held.size <= this.limits.entries && this.totalCost <= this.limits.cost) break;
      this.held.delete(oldest);
      this.totalCost -= entry.cost;
      this.onEvict(entry.value);
    }
  }

  clear(): void {
    const values = [...this.held.values()];
    this.held.clear();
    this.totalCost = 0;
    for (const { value } of values) this.onEvict(value);
  }
}
