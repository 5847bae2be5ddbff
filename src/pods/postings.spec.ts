import { intersect, Postings } from './postings.js';

describe(Postings.name, () => {
  it('keeps ids ascending under each key, whatever order they come in, each once', () => {
    const postings = new Postings<string>();
    for (const id of [5, 1, 9, 3, 9, 1, 7]) postings.add('app=web', id);
    postings.add('tier=db', 2);
    expect([...postings.get('app=web')]).toEqual([1, 3, 5, 7, 9]);
    expect([postings.count('app=web'), postings.count('tier=db'), postings.count('nope'), postings.size]).toEqual([
      5, 1, 0, 2,
    ]);
  });

  it('removes ids (ignoring ones it does not hold) and forgets a key left with none', () => {
    const postings = new Postings<number>();
    for (let id = 0; id < 200; id++) postings.add(7, id);
    for (let id = 0; id < 200; id++) if (id % 10 !== 0) postings.remove(7, id); // shrinks its array on the way
    postings.remove(7, 1000);
    postings.remove(8, 1);
    expect([...postings.get(7)]).toEqual([
      0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190,
    ]);
    for (let id = 0; id < 200; id += 10) postings.remove(7, id);
    expect([postings.size, postings.get(7).length]).toEqual([0, 0]);
  });

  it('takes a whole list at once, and lists every key', () => {
    const postings = new Postings<number>();
    postings.load(1, Int32Array.of(2, 4, 6));
    postings.load(2, new Int32Array(0));
    postings.add(1, 5);
    const seen: string[] = [];
    postings.forEach((ids, key) => seen.push(`${key}:${[...ids].join(',')}`));
    expect(seen).toEqual(['1:2,4,5,6']);
  });
});

describe(intersect.name, () => {
  it.each([
    { small: [1, 5, 9], large: [0, 1, 2, 3, 4, 5, 6, 7, 8, 10], both: [1, 5] },
    { small: [3], large: [], both: [] },
    { small: [2, 1001], large: Array.from({ length: 999 }, (_, i) => i * 2), both: [2] }, // galloping far
    { small: [0, 1, 2], large: [0, 1, 2], both: [0, 1, 2] },
  ])('keeps the ids of $small also in the larger list', ({ small, large, both }) => {
    const into = new Int32Array(small.length);
    const count = intersect(Int32Array.from(small), Int32Array.from(large), into);
    expect([...into.subarray(0, count)]).toEqual(both);
  });

  it('writes over its first list when asked to', () => {
    const small = Int32Array.of(1, 2, 3, 4);
    expect([...small.subarray(0, intersect(small, Int32Array.of(2, 4, 6), small))]).toEqual([2, 4]);
  });
});
