import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Long synchronous work cut into slices of about `ms`: `over()` says when the current slice has run its time, and
 * `yield()` lets the event loop serve what waits (I/O, timers, other requests) before the next slice begins.
 */
export class TimeSlice {
  private started = performance.now();

  constructor(private readonly ms: number) {}

  over(): boolean {
    return performance.now() - this.started >= this.ms;
  }

  async yield(): Promise<void> {
    await nextTurn();
    this.started = performance.now();
  }
}
