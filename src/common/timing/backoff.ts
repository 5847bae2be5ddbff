/** Sleeps `ms`, or less if `signal` aborts first (then resolves early; callers check the signal). */
export type Delay = (ms: number, signal: AbortSignal) => Promise<void>;

export const realDelay: Delay = (ms, signal) =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });

/**
 * Capped exponential back-off with full jitter: after the n-th failure in a row, wait a random time up to
 * `min(maxMs, initialMs * 2^(n-1))`, never less than `initialMs / 2`. Jitter keeps many reconnecting clients from
 * hitting a recovering API server in lockstep.
 */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly initialMs = 1000,
    private readonly maxMs = 30_000,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    this.failures++;
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.failures - 1, 30));
    const floor = this.initialMs / 2;
    return Math.round(floor + this.random() * (ceiling - floor));
  }

  reset(): void {
    this.failures = 0;
  }
}
