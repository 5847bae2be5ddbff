/**
 * How the benchmarks print: progress on stderr (stdout holds only the markdown tables), numbers as the tables show
 * them.
 */

export function progress(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Milliseconds: two decimals under 10, one under 100, none from 100, by size (a difference may be negative). */
export function ms(value: number): string {
  const size = Math.abs(value);
  return size >= 100 ? value.toFixed(0) : size >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** A share as a percentage; under 10 % with a decimal, so that a small share (an idle service's) does not read 0. */
export function pct(share: number): string {
  return `${(100 * share).toFixed(share < 0.1 ? 1 : 0)} %`;
}

export function mib(value: number): string {
  return value.toFixed(0);
}

/** `low–high` of the finite values (one value when both round alike), `–` when there is none. */
export function range(values: number[], digits: number): string {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return '–';
  const low = Math.min(...finite).toFixed(digits);
  const high = Math.max(...finite).toFixed(digits);
  return low === high ? low : `${low}–${high}`;
}
