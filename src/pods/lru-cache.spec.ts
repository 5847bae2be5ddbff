import { LruCache } from './lru-cache.js';

describe(LruCache.name, () => {
  it('evicts the least recently used entries beyond its entry limit, handing them back', () => {
    const evicted: string[] = [];
    const cache = new LruCache<string>({ entries: 2, cost: 100 }, (value) => evicted.push(value));
    cache.set('a', 'A', 1);
    cache.set('b', 'B', 1);
    expect(cache.get('a')).toBe('A'); // now the most recent
    cache.set('c', 'C', 1);
    expect([cache.get('b'), cache.get('a'), cache.get('c'), evicted]).toEqual([undefined, 'A', 'C', ['B']]);
  });

  it('tells whether it holds a key without making it the most recent', () => {
    const cache = new LruCache<string>({ entries: 2, cost: 100 });
    cache.set('a', 'A', 1);
    cache.set('b', 'B', 1);
    expect([cache.has('a'), cache.has('z')]).toEqual([true, false]);
    cache.set('c', 'C', 1); // 'a' is still the least recent
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([false, true, true]);
  });

  it('evicts by cost, also when an entry is re-declared larger; keeps none over the limit alone', () => {
    const evicted: string[] = [];
    const cache = new LruCache<string>({ entries: 10, cost: 10 }, (value) => evicted.push(value));
    cache.set('a', 'A', 4);
    cache.set('b', 'B', 4);
    cache.set('a', 'A', 7); // the same value, larger: b goes
    expect([cache.size, cache.cost, evicted]).toEqual([1, 7, ['B']]);
    cache.set('a', 'A2', 1); // replaced: the old value is handed back
    cache.set('huge', 'H', 11); // not kept, and nothing else evicted for it
    expect([cache.get('huge'), cache.get('a'), evicted]).toEqual([undefined, 'A2', ['B', 'A', 'H']]);
  });

  it('keeps nothing with a limit of 0 entries, and hands everything back when cleared', () => {
    const evicted: string[] = [];
    const none = new LruCache<string>({ entries: 0, cost: 100 }, (value) => evicted.push(value));
    none.set('a', 'A', 1);
    expect([none.size, none.get('a'), evicted]).toEqual([0, undefined, ['A']]);
    const cache = new LruCache<string>({ entries: 5, cost: 100 }, (value) => evicted.push(value));
    cache.set('b', 'B', 1);
    cache.set('c', 'C', 1);
    cache.clear();
    expect([cache.size, cache.cost, evicted]).toEqual([0, 0, ['A', 'B', 'C']]);
  });
});
