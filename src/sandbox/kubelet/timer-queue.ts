export type TimerHandle = number;

interface Entry {
  id: TimerHandle;
  due: number;
  run: () => void;
}

/**
 * Every delayed action of the simulated controllers (container starts, back-offs, periodic log lines, graceful
 * terminations) in one min-heap behind a single Node timer: thousands of live pods cost heap entries, not
 * timers, and `stop()` clears everything at once so that a test run never hangs on an open handle.
 */
export class TimerQueue {
  private heap: Entry[] = [];
  private readonly cancelled = new Set<TimerHandle>();
  private readonly live = new Set<TimerHandle>();
  private nextId = 1;
  private timer?: NodeJS.Timeout;
  private timerDue = Infinity;
  private stopped = false;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly onError: (error: unknown) => void = reportTimerError,
  ) {}

  get size(): number {
    return this.live.size - this.cancelled.size;
  }

  schedule(delayMs: number, run: () => void): TimerHandle {
    const id = this.nextId++;
    if (this.stopped) return id;
    this.live.add(id);
    this.push({ id, due: this.now() + Math.max(0, delayMs), run });
    this.arm();
    return id;
  }

  cancel(handle: TimerHandle | undefined): void {
    if (handle !== undefined && this.live.has(handle)) this.cancelled.add(handle);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.heap = [];
    this.cancelled.clear();
    this.live.clear();
  }

  private arm(): void {
    const first = this.heap[0];
    if (!first || this.stopped) return;
    if (this.timer && first.due >= this.timerDue) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = first.due;
    this.timer = setTimeout(() => this.fire(), Math.max(0, first.due - this.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.timerDue = Infinity;
    const now = this.now();
    // Run what is due now; actions scheduled meanwhile with a zero delay wait for the next turn.
    const due: Entry[] = [];
    while (this.heap.length > 0 && this.heap[0].due <= now) due.push(this.pop()!);
    for (const entry of due) {
      if (this.stopped) return;
      this.live.delete(entry.id);
      if (this.cancelled.delete(entry.id)) continue;
      try {
        entry.run();
      } catch (error) {
        // One failing action must not stop the simulated cluster; it is reported and the others run.
        this.onError(error);
      }
    }
    this.arm();
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (heap[parent].due <= entry.due) break;
      heap[index] = heap[parent];
      index = parent;
    }
    heap[index] = entry;
  }

  private pop(): Entry | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || !last) return top;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      const candidate = (child: number) =>
        child < heap.length && heap[child].due < (smallest === index ? last.due : heap[smallest].due);
      if (candidate(left)) smallest = left;
      if (candidate(right)) smallest = right;
      if (smallest === index) break;
      heap[index] = heap[smallest];
      index = smallest;
    }
    heap[index] = last;
    return top;
  }
}

function reportTimerError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error ? error.stack : undefined;
  process.stderr.write(`${JSON.stringify({ event: 'sandbox.action.failed', message, stack })}\n`);
}
