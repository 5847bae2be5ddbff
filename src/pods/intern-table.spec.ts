import { InternTable } from './intern-table.js';
import { Scratch } from './scratch.js';

describe(InternTable.name, () => {
  it('gives equal keys one id and counts their holders', () => {
    const table = new InternTable<string>();
    const created: string[] = [];
    const create = (key: string) => {
      created.push(key);
      return key.toLowerCase();
    };
    const a = table.acquire('Running', create);
    const b = table.acquire('Pending', create);
    expect(table.acquire('Running', create)).toBe(a);
    expect(b).not.toBe(a);
    expect(created).toEqual(['Running', 'Pending']);
    expect([table.key(a), table.value(a), table.holderCount(a), table.idOf('Running')]).toEqual([
      'Running',
      'running',
      2,
      a,
    ]);
    expect(table.size).toBe(2);
  });

  it('frees an id when its last holder lets go, and gives it to the next new key', () => {
    const table = new InternTable<string>();
    const a = table.acquire('a', (key) => key);
    table.acquire('b', (key) => key);
    table.acquire('a', (key) => key);
    expect(table.release(a)).toBe(false);
    expect(table.release(a)).toBe(true);
    expect([table.isHeld(a), table.holderCount(a), table.idOf('a'), table.size]).toEqual([false, 0, undefined, 1]);
    expect(table.acquire('c', (key) => key)).toBe(a);
    expect(table.capacity).toBe(2);
    const seen: string[] = [];
    table.forEach((id, key, value) => seen.push(`${id}:${key}:${value}`));
    expect(seen.sort()).toEqual([`${a}:c:c`, `${1 - a}:b:b`]);
  });
});

describe(`${InternTable.name} key order`, () => {
  it('lists held ids by key in code-unit order, kept until a key comes or goes', () => {
    const table = new InternTable<string>();
    const ids = ['node-10', 'Node-X', 'node-2', ''].map((key) => table.acquire(key, (k) => k));
    const keys = () => table.sortedIds().map((id) => table.key(id));
    expect(keys()).toEqual(['', 'Node-X', 'node-10', 'node-2']);
    expect(table.sortedIds()).toBe(table.sortedIds());
    table.acquire('node-10', (k) => k); // a holder more: the same keys
    expect(keys()).toEqual(['', 'Node-X', 'node-10', 'node-2']);
    table.release(ids[2]);
    table.acquire('a', (k) => k);
    expect(keys()).toEqual(['', 'Node-X', 'a', 'node-10']);
  });
});

describe(Scratch.name, () => {
  it('hands out zeroed arrays of the length asked, reusing one buffer per purpose', () => {
    const scratch = new Scratch();
    const first = scratch.bytes('marks', 100);
    first.fill(1);
    const second = scratch.bytes('marks', 50);
    expect(second.length).toBe(50);
    expect(second.every((byte) => byte === 0)).toBe(true);
    expect(second.buffer).toBe(first.buffer);
    const other = scratch.bytes('other', 10);
    expect(other.buffer).not.toBe(first.buffer);
    const bigger = scratch.int32('counts', 10_000);
    expect([bigger.length, bigger.every((value) => value === 0)]).toEqual([10_000, true]);
    expect(scratch.uint16('counts16', 3)).toEqual(new Uint16Array(3));
    const written = scratch.int32Unzeroed('slots', 4);
    written.set([7, 8, 9, 10]);
    expect([...scratch.int32Unzeroed('slots', 3)]).toEqual([7, 8, 9]); // left as it was: the caller writes first
  });
});
