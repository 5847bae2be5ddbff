import { PairCounts } from './pair-counts.js';

describe(PairCounts.name, () => {
  it('counts pairs, reads absent ones as 0, and adds rows into a total', () => {
    const counts = new PairCounts();
    counts.add(0, 3, 1);
    counts.add(0, 3, 1);
    counts.add(0, 500, 1); // grows the row
    counts.add(2, 3, 1);
    counts.add(0, 3, -1);
    expect([counts.get(0, 3), counts.get(0, 500), counts.get(2, 3), counts.get(1, 3), counts.get(0, -2)]).toEqual([
      1, 1, 1, 0, 0,
    ]);
    const total = new Int32Array(8);
    counts.addRowTo(0, total);
    counts.addRowTo(2, total);
    counts.addRowTo(9, total);
    expect([...total]).toEqual([0, 0, 0, 2, 0, 0, 0, 0]);
  });
});
