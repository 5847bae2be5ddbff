/**
 * What a simulated process reads from its standard input: text as it arrives, end-of-file marks, and the final
 * close. One reader at a time (a shell reads, then the command it runs reads).
 */
export class InputQueue {
  /** Text not read yet; `null` is an end-of-file mark (a terminal's ^D), consumed by one read. */
  private readonly items: (string | null)[] = [];
  private closed = false;
  private reader?: { resolve: (value: string | null | undefined) => void; cleanup: () => void };
  private bytes = 0;
  /** Went above the high-water mark and has not yet drained to half of it. */
  private overHighWater = false;

  /**
   * @param onDrained called when the queued text shrinks from above `highWaterBytes` to at most half of it, so the
   *   producer (the socket) can be resumed after `isFull` made it pause.
   */
  constructor(
    private readonly highWaterBytes = 1024 * 1024,
    private readonly onDrained?: () => void,
  ) {}

  /** More than `highWaterBytes` wait to be read: the producer should pause. */
  get isFull(): boolean {
    return this.bytes > this.highWaterBytes;
  }

  push(text: string): void {
    if (this.closed || text === '') return;
    if (this.reader) {
      this.deliver(text);
      return;
    }
    this.items.push(text);
    this.bytes += text.length;
    if (this.bytes > this.highWaterBytes) this.overHighWater = true;
  }

  /** An end-of-file mark: the next read returns `null`, later reads go on (a terminal's ^D). */
  pushEndOfFile(): void {
    if (this.closed) return;
    if (this.reader) this.deliver(null);
    else this.items.push(null);
  }

  /** No more input ever: once the queued text is read, every read returns `null`. */
  close(): void {
    this.closed = true;
    if (this.reader && this.items.length === 0) this.deliver(null);
  }

  /** Drops what was typed ahead (a terminal flushes its input queue on ^C). */
  discard(): void {
    this.items.length = 0;
    this.bytes = 0;
    this.drained();
  }

  /**
   * The next chunk of text, `null` at end of file, or `undefined` when `signal` aborts first.
   */
  read(signal: AbortSignal): Promise<string | null | undefined> {
    if (this.reader) return Promise.reject(new Error('InputQueue: one reader at a time'));
    if (this.items.length > 0) return Promise.resolve(this.take());
    if (this.closed) return Promise.resolve(null);
    if (signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const onAbort = () => this.deliver(undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      this.reader = { resolve, cleanup: () => signal.removeEventListener('abort', onAbort) };
    });
  }

  private take(): string | null {
    const item = this.items.shift() ?? null;
    if (item !== null) this.bytes -= item.length;
    if (this.bytes <= this.highWaterBytes / 2) this.drained();
    return item;
  }

  private drained(): void {
    if (!this.overHighWater) return;
    this.overHighWater = false;
    this.onDrained?.();
  }

  private deliver(value: string | null | undefined): void {
    const reader = this.reader;
    if (!reader) return;
    this.reader = undefined;
    reader.cleanup();
    reader.resolve(value);
  }
}
