import { mulberry32 } from '../common/mulberry32.js';
import { SortedOrder } from './sorted-order.js';

// Items "<key><tie>": the digit is the primary key, the letter the tie-break; so "1b" sorts after "1a".
const primary = (a: string, b: string) => Number(a[0]) - Number(b[0]);
const ties = (a: string, b: string) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

function orderOf(...items: string[]): SortedOrder<string> {
  const order = new SortedOrder(primary, ties);
  for (const item of items) order.insert(item);
  return order;
}

describe(SortedOrder.name, () => {
  const order = orderOf('2b', '1b', '3a', '2a', '1a', '2c', '4a');

  it('keeps items by key, then tie-break', () => {
    expect(order.toArray()).toEqual(['1a', '1b', '2a', '2b', '2c', '3a', '4a']);
  });

  it.each([
    { direction: 'asc', expected: ['1a', '1b', '2a', '2b', '2c', '3a', '4a'] },
    // desc reverses the key only: ties stay in tie-break order
    { direction: 'desc', expected: ['4a', '3a', '2a', '2b', '2c', '1a', '1b'] },
  ] as const)('walks $direction as $expected', ({ direction, expected }) => {
    expect(order.slice(direction, 0, 100)).toEqual(expected);
  });

  it.each([
    { direction: 'desc', start: 0, count: 2, expected: ['4a', '3a'] },
    { direction: 'desc', start: 2, count: 2, expected: ['2a', '2b'] },
    { direction: 'desc', start: 3, count: 3, expected: ['2b', '2c', '1a'] }, // starts inside a group
    { direction: 'desc', start: 4, count: 1, expected: ['2c'] },
    { direction: 'desc', start: 6, count: 5, expected: ['1b'] },
    { direction: 'desc', start: 7, count: 5, expected: [] },
    { direction: 'asc', start: 5, count: 5, expected: ['3a', '4a'] },
    { direction: 'asc', start: 0, count: 0, expected: [] },
  ] as const)('slices $direction from $start × $count', ({ direction, start, count, expected }) => {
    expect(order.slice(direction, start, count)).toEqual(expected);
  });

  it('gives the comparison of each direction for sorting a few items', () => {
    expect(['1b', '2a', '1a', '2b'].sort(order.comparator('desc'))).toEqual(['2a', '2b', '1a', '1b']);
    expect(['1b', '2a', '1a', '2b'].sort(order.comparator('asc'))).toEqual(['1a', '1b', '2a', '2b']);
  });

  it('walks one large group of ties in tie-break order from any position', () => {
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const big = orderOf(...[...letters].map((letter) => `5${letter}`), '1z', '9a');
    expect(big.slice('desc', 0, 100)).toEqual(['9a', ...[...letters].map((letter) => `5${letter}`), '1z']);
    expect(big.slice('desc', 20, 3)).toEqual(['5t', '5u', '5v']);
  });

  it('removes an item found by its position', () => {
    const changed = orderOf('2b', '1b', '3a', '2a');
    changed.remove('2a');
    changed.remove('3a');
    expect(changed.toArray()).toEqual(['1b', '2b']);
    expect(() => changed.remove('7z')).toThrow('not held');
  });

  it('merges a batch: drops what `keep` refuses, adds the rest in place', () => {
    const batch = orderOf('1a', '2a', '3a', '4a');
    batch.rebuild((item) => item !== '2a', ['2b', '0z', '5a', '3b']);
    expect(batch.toArray()).toEqual(['0z', '1a', '2b', '3a', '3b', '4a', '5a']);
    expect(batch.size).toBe(7);
  });

  it.each([
    { direction: 'asc', start: 0, want: 2, expected: ['1b', '2b'], position: 4 },
    { direction: 'asc', start: 4, want: 5, expected: ['2c'], position: 7 },
    { direction: 'desc', start: 0, want: 2, expected: ['2b', '2c'], position: 5 },
    { direction: 'desc', start: 5, want: 2, expected: ['1b'], position: 7 },
    { direction: 'desc', start: 3, want: 1, expected: ['2b'], position: 4 }, // from inside the group of 2s
    { direction: 'desc', start: 7, want: 1, expected: [], position: 7 },
  ] as const)(
    'collects from $direction position $start the items a test takes, up to $want, and says where it stopped',
    ({ direction, start, want, expected, position }) => {
      const out: string[] = [];
      expect(order.collect(direction, start, (item) => item[1] !== 'a', out, want)).toBe(position);
      expect(out).toEqual(expected);
    },
  );

  it('collects small-integer items by a bit set, going on from where the last call stopped', () => {
    const numbers = new SortedOrder<number>(
      (a, b) => (a % 10) - (b % 10),
      (a, b) => a - b,
      (a, b) => a % 10 === b % 10,
    );
    for (let item = 0; item < 100; item++) numbers.insert(item);
    const bits = new Uint32Array(4);
    for (const item of [95, 15, 42, 3, 33, 60]) bits[item >>> 5] |= 1 << (item & 31);
    const out: number[] = [];
    const stopped = numbers.collect('desc', 0, bits, out, 3);
    expect(out).toEqual([15, 95, 3]); // key 5's group, then key 3's, each ascending
    expect(numbers.collect('desc', stopped, bits, out, 10)).toBe(100);
    expect(out).toEqual([15, 95, 3, 33, 42, 60]);
    expect(numbers.collect('asc', 0, bits, [], 1)).toBe(7); // 0, 10, … 60: the first taken is the seventh
  });

  it('reads desc in groups after random inserts, removals and merges as a sort of the items would', () => {
    const random = mulberry32(7);
    const keyOf = new Map<number, number>();
    const numbers = new SortedOrder<number>(
      (a, b) => keyOf.get(a)! - keyOf.get(b)!,
      (a, b) => a - b,
      (a, b) => keyOf.get(a) === keyOf.get(b),
    );
    const held = new Set<number>();
    const expectedDesc = () => [...held].sort((a, b) => keyOf.get(b)! - keyOf.get(a)! || a - b);
    for (let step = 0; step < 3000; step++) {
      const item = Math.floor(random() * 1500);
      if (held.has(item)) {
        numbers.remove(item);
        held.delete(item);
      } else {
        keyOf.set(item, Math.floor(random() * (step < 1500 ? 40 : 4))); // small groups, then large ones
        numbers.insert(item);
        held.add(item);
      }
      if (step % 500 === 499) {
        const added = [1500 + step, 1501 + step];
        for (const item of added) keyOf.set(item, Math.floor(random() * 4));
        numbers.rebuild((item) => item % 7 !== 0, added);
        for (const item of [...held]) if (item % 7 === 0) held.delete(item);
        for (const item of added) held.add(item);
        expect(numbers.slice('desc', 0, 10_000)).toEqual(expectedDesc());
      }
    }
    expect(numbers.slice('desc', 0, 10_000)).toEqual(expectedDesc());
    expect(numbers.slice('desc', 100, 50)).toEqual(expectedDesc().slice(100, 150));
  });

  it('finds an item whose position it cannot compute rather than corrupt the order', () => {
    // Objects whose key changes behind the order's back: remove still finds them by identity.
    const a = { key: 1 };
    const b = { key: 2 };
    const objects = new SortedOrder<{ key: number }>(
      (x, y) => x.key - y.key,
      () => 0,
    );
    objects.insert(a);
    objects.insert(b);
    a.key = 3;
    objects.remove(a);
    expect(objects.toArray()).toEqual([b]);
  });
});
