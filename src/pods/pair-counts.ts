/**
 * How many pods hold each pair of ids of two dimensions (status × namespace, status × node), kept as pods change:
 * "Running pods in namespace shop" is then one read, and a facet under a status filter a sum over a few rows,
 * instead of a pass over the pods. Rows (the first dimension: statuses) are few; each is an array by column id.
 */
export class PairCounts {
  private rows: Int32Array[] = [];

  add(row: number, column: number, delta: number): void {
    let counts = this.rows[row];
    if (!counts || column >= counts.length) {
      const grown = new Int32Array(Math.max(64, 2 * (counts?.length ?? 0), column + 1));
      if (counts) grown.set(counts);
      this.rows[row] = counts = grown;
    }
    counts[column] += delta;
  }

  get(row: number, column: number): number {
    const counts = this.rows[row];
    return counts && column >= 0 && column < counts.length ? counts[column] : 0;
  }

  /** Adds row `row` into `into` (by column id). */
  addRowTo(row: number, into: Int32Array): void {
    const counts = this.rows[row];
    if (!counts) return;
    const length = Math.min(counts.length, into.length);
    for (let column = 0; column < length; column++) into[column] += counts[column];
  }
}
