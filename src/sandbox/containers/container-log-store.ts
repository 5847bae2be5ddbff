import { Readable } from 'node:stream';
import { formatRfc3339NanoFixed } from './go-time.js';

/** One run of a container: the kubelet keeps a log file per instance. */
export interface ContainerInstance {
  podUid: string;
  container: string;
  /** The container status's `restartCount` while this instance runs. */
  restartCount: number;
}

/** The reading options of `pods/log` after decoding and validation (see `parseLogRequest`). */
export interface LogQuery {
  follow: boolean;
  sinceSeconds?: number;
  sinceTime?: Date;
  tailLines?: number;
  timestamps: boolean;
  limitBytes?: number;
}

export interface ContainerLogStoreOptions {
  /** Lines kept per instance; older ones are dropped, as log rotation would. Default 1000. */
  maxLinesPerInstance?: number;
  now?: () => Date;
}

const DEFAULT_MAX_LINES = 1000;
/** Bytes gathered into one chunk before it is pushed (fewer, larger chunks for a catch-up read). */
const CHUNK_BYTES = 16 * 1024;

/**
 * The simulated kubelet's container logs: per instance a bounded ring of lines with strictly increasing
 * timestamps, read the way `kubectl logs` reads them (pkg/kubelet/kuberuntime/logs/logs.go `ReadLogs`, v1.33).
 *
 * Memory: a pod's instances sit in one small array; only the current and the previous instance of a container are
 * kept (the kubelet's garbage collector keeps one dead container per container by default); each instance holds at
 * most `maxLinesPerInstance` lines.
 */
export class ContainerLogStore {
  private readonly pods = new Map<string, InstanceLog[]>();
  private readonly maxLines: number;
  private readonly now: () => Date;
  private readonly stallWaiters = new Set<() => void>();
  private stalledNow = false;
  private streams = 0;

  constructor(options: ContainerLogStoreOptions = {}) {
    this.maxLines = Math.max(1, options.maxLinesPerInstance ?? DEFAULT_MAX_LINES);
    this.now = options.now ?? (() => new Date());
  }

  /** Fault injection: while true, open streams (headers already sent) emit nothing; they resume when set false. */
  get stalled(): boolean {
    return this.stalledNow;
  }

  set stalled(value: boolean) {
    this.stalledNow = value;
    if (value) return;
    const waiters = [...this.stallWaiters];
    this.stallWaiters.clear();
    for (const wake of waiters) wake();
  }

  /** The lines kept per container instance (`maxLinesPerInstance`). */
  get linesPerInstance(): number {
    return this.maxLines;
  }

  /** Log streams opened and not yet finished or destroyed (`GET /sandbox/stats`). */
  get openStreams(): number {
    return this.streams;
  }

  /**
   * Writes one line (no trailing newline; embedded newlines make several lines). Its timestamp is `at` (default
   * now), moved just past the previous line's when it would not be later, so timestamps strictly increase.
   */
  append(instance: ContainerInstance, line: string, at?: Date): void {
    const log = this.logFor(instance);
    const atMicros = (at ?? this.now()).getTime() * 1000;
    for (const text of line.split('\n')) log.append(text, atMicros);
  }

  /** That instance terminated: its followers reach end of stream once they have read its remaining lines. */
  end(instance: ContainerInstance): void {
    this.logFor(instance).finish();
  }

  /** The pod is gone: its followers end after the lines they have not read yet; the store forgets its logs. */
  forgetPod(podUid: string): void {
    const logs = this.pods.get(podUid);
    if (!logs) return;
    this.pods.delete(podUid);
    for (const log of logs) log.finish();
  }

  has(instance: ContainerInstance): boolean {
    return this.findLog(instance) !== undefined;
  }

  /**
   * The bytes the kubelet would send for this query: `<line>\n`, or `<RFC3339NanoFixed> <line>\n` with timestamps.
   * Pull-based: nothing is produced faster than the consumer reads. Without `follow` the stream ends after the
   * lines present now; with it, it waits for more until the instance ends, the pod is forgotten or `signal` aborts
   * (which destroys the stream). Opening an unknown instance with `follow` registers it (it waits for lines).
   */
  open(instance: ContainerInstance, query: LogQuery, signal: AbortSignal): Readable {
    const log = query.follow
      ? this.logFor(instance)
      : (this.findLog(instance) ?? new InstanceLog(instance, this.maxLines));
    const since = Math.max(
      query.sinceSeconds !== undefined ? this.now().getTime() - query.sinceSeconds * 1000 : -Infinity,
      query.sinceTime?.getTime() ?? -Infinity,
    );
    this.streams++;
    const stream = new LogStream(log, query, since * 1000, {
      stalled: () => this.stalledNow,
      waitUnstalled: (wake) => {
        this.stallWaiters.add(wake);
        return () => this.stallWaiters.delete(wake);
      },
      closed: () => this.streams--,
    });
    if (signal.aborted) {
      stream.destroy();
      return stream;
    }
    const onAbort = () => stream.destroy();
    signal.addEventListener('abort', onAbort, { once: true });
    stream.once('close', () => signal.removeEventListener('abort', onAbort));
    return stream;
  }

  private findLog(instance: ContainerInstance): InstanceLog | undefined {
    return this.pods
      .get(instance.podUid)
      ?.find((log) => log.container === instance.container && log.restartCount === instance.restartCount);
  }

  /** The instance's log, created when new. */
  private logFor(instance: ContainerInstance): InstanceLog {
    const found = this.findLog(instance);
    if (found) return found;
    const logs = this.pods.get(instance.podUid) ?? [];
    const log = new InstanceLog(instance, this.maxLines);
    // Keep the instance before this one (`--previous`), drop older ones.
    const kept = logs.filter(
      (other) => other.container !== instance.container || other.restartCount >= instance.restartCount - 1,
    );
    for (const dropped of logs) if (!kept.includes(dropped)) dropped.finish();
    kept.push(log);
    this.pods.set(instance.podUid, kept);
    return log;
  }
}

/** The lines of one instance: a ring of at most `capacity` lines, addressed by absolute sequence numbers. */
class InstanceLog {
  readonly container: string;
  readonly restartCount: number;
  private readonly texts: string[] = [];
  /** Microseconds since the epoch, strictly increasing. */
  private readonly times: number[] = [];
  /** Ring index of the oldest line once the ring is full. */
  private head = 0;
  /** Sequence number of the oldest line kept. */
  firstSeq = 0;
  /** Sequence number the next line will get. */
  nextSeq = 0;
  ended = false;
  private lastTime = -Infinity;
  private waiters?: Set<() => void>;

  constructor(
    instance: ContainerInstance,
    private readonly capacity: number,
  ) {
    this.container = instance.container;
    this.restartCount = instance.restartCount;
  }

  append(text: string, atMicros: number): void {
    const time = atMicros > this.lastTime ? atMicros : this.lastTime + 1;
    this.lastTime = time;
    if (this.texts.length < this.capacity) {
      this.texts.push(text);
      this.times.push(time);
    } else {
      this.texts[this.head] = text;
      this.times[this.head] = time;
      this.head = (this.head + 1) % this.capacity;
      this.firstSeq++;
    }
    this.nextSeq++;
    this.wake();
  }

  finish(): void {
    this.ended = true;
    this.wake();
  }

  textAt(seq: number): string {
    return this.texts[this.index(seq)];
  }

  timeAt(seq: number): number {
    return this.times[this.index(seq)];
  }

  /** Calls `wake` once, at the next append or end; returns the cancel. */
  waitForMore(wake: () => void): () => void {
    this.waiters ??= new Set();
    this.waiters.add(wake);
    return () => this.waiters?.delete(wake);
  }

  private index(seq: number): number {
    return (this.head + (seq - this.firstSeq)) % this.texts.length;
  }

  private wake(): void {
    if (!this.waiters || this.waiters.size === 0) return;
    const waiters = [...this.waiters];
    this.waiters = undefined;
    for (const wake of waiters) wake();
  }
}

interface StreamHooks {
  stalled(): boolean;
  waitUnstalled(wake: () => void): () => void;
  closed(): void;
}

/** One reader of one instance; produces bytes only inside `_read`, i.e. when the consumer asks. */
class LogStream extends Readable {
  private seq: number;
  /** Without follow, the end of the log when the stream was opened. */
  private readonly endSeq: number;
  /** Lines still to read in the kubelet's "limited mode" (tailLines without follow), counted before `since`. */
  private linesLeft: number;
  private bytesLeft: number;
  private cancelWait?: () => void;

  constructor(
    private readonly log: InstanceLog,
    private readonly query: LogQuery,
    private readonly sinceMicros: number,
    private readonly hooks: StreamHooks,
  ) {
    super();
    const tail = query.tailLines;
    this.seq = tail === undefined ? log.firstSeq : Math.max(log.firstSeq, log.nextSeq - tail);
    this.endSeq = log.nextSeq;
    this.linesLeft = tail !== undefined && !query.follow ? tail : Infinity;
    this.bytesLeft = query.limitBytes ?? Infinity;
  }

  override _read(): void {
    if (this.cancelWait) return;
    if (this.hooks.stalled()) {
      this.wait(this.hooks.waitUnstalled(() => this.continueReading()));
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    const flush = (): boolean => {
      if (parts.length === 0) return true;
      const chunk = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
      parts.length = 0;
      size = 0;
      return this.push(chunk);
    };
    for (;;) {
      if (this.linesLeft === 0 || this.bytesLeft <= 0) {
        flush();
        this.push(null);
        return;
      }
      // A reader left behind by the ring resumes at the oldest line still kept (as after a log rotation).
      if (this.seq < this.log.firstSeq) this.seq = this.log.firstSeq;
      const end = this.query.follow ? this.log.nextSeq : Math.min(this.endSeq, this.log.nextSeq);
      if (this.seq >= end) {
        const more = flush();
        if (!this.query.follow || this.log.ended) {
          this.push(null);
        } else if (more) {
          this.wait(this.log.waitForMore(() => this.continueReading()));
        }
        return;
      }
      const seq = this.seq++;
      this.linesLeft--;
      const time = this.log.timeAt(seq);
      if (time < this.sinceMicros) continue;
      const text = this.query.timestamps
        ? `${formatRfc3339NanoFixed(time)} ${this.log.textAt(seq)}\n`
        : `${this.log.textAt(seq)}\n`;
      let bytes = Buffer.from(text, 'utf8');
      // limitBytes cuts the byte stream, mid-line and mid-character if it falls there (logWriter.write).
      if (bytes.length > this.bytesLeft) bytes = bytes.subarray(0, this.bytesLeft);
      this.bytesLeft -= bytes.length;
      parts.push(bytes);
      size += bytes.length;
      if (size >= CHUNK_BYTES && !flush()) return;
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.cancelWait?.();
    this.cancelWait = undefined;
    this.hooks.closed();
    callback(error);
  }

  private wait(cancel: () => void): void {
    this.cancelWait = cancel;
  }

  private continueReading(): void {
    this.cancelWait = undefined;
    if (!this.destroyed) this._read();
  }
}
