import { setTimeout as sleep } from 'node:timers/promises';

export interface EventuallyOptions {
  /** Give up after this long (default 5000 ms). */
  timeoutMs?: number;
  /** Wait this long between attempts (default 25 ms). */
  intervalMs?: number;
}

/**
 * Runs `check` until it returns without throwing (its value is returned) or the deadline passes (the last error is
 * thrown, with how long it was tried). For assertions on something that becomes true asynchronously; never a
 * fixed sleep.
 */
export async function eventually<T>(check: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const intervalMs = options.intervalMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() + intervalMs > deadline) {
        if (error instanceof Error) {
          error.message = `still failing after ${timeoutMs} ms: ${error.message}`;
          throw error;
        }
        throw new Error(`still failing after ${timeoutMs} ms: ${String(error)}`, { cause: error });
      }
    }
    await sleep(intervalMs);
  }
}
