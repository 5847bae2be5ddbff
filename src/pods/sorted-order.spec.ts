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
