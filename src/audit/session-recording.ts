import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { asciicastEvent, asciicastHeader, resizeData, type AsciicastEventCode } from './asciicast.js';

/**
 * The size a recording starts with when output comes before any resize: the classic terminal's, which is also what a
 * player shows for a terminal whose size nobody said.
 */
export const DEFAULT_TERMINAL_SIZE = { cols: 80, rows: 24 } as const;

/**
 * How far the disk may fall behind the terminal before the recording gives up. A terminal's output is paced by its
 * client's socket, so a disk this far behind is failing; holding more would put the service's memory at its mercy.
 */
const MAX_UNWRITTEN_BYTES = 8 * 1024 * 1024;

export interface SessionRecordingOptions {
  /** When the session started: the header's timestamp. */
  startedAt: Date;
  title: string;
  /** Record `i` events (EXEC_RECORD_INPUT=on). */
  recordInput: boolean;
  /** A monotonic clock in milliseconds; event times count from its reading when the recording is made. */
  now: () => number;
  /** Told once, when the recording stops because it cannot be written; the terminal goes on without it. */
  onFailure: (reason: string) => void;
}

/**
 * One terminal session written as asciicast v2 to a stream as it goes. The header is written lazily, so that it can
 * carry the terminal's real size: the first resize gives it (and is no `r` event); output or input before any resize
 * starts it at 80×24 and a later resize is an `r` event. A session that showed nothing still gets its header when it
 * finishes, so every finished recording is a valid asciicast. The terminal calls never throw: a recording that cannot
 * be written stops at the first failure, says why once, and the session goes on.
 */
export class SessionRecording {
  private readonly origin: number;
  private started = false;
  private finishing?: Promise<string | null>;
  private failure: string | null = null;

  constructor(
    private readonly sink: Writable,
    private readonly options: SessionRecordingOptions,
  ) {
    this.origin = options.now();
    // Without a listener, a stream's 'error' would end the process.
    sink.on('error', (error: NodeJS.ErrnoException) => this.fail(writeFailure(error)));
  }

  resized(cols: number, rows: number): void {
    if (!this.writable()) return;
    if (!this.started) {
      this.start(cols, rows);
      return;
    }
    this.event('r', resizeData(cols, rows));
  }

  output(data: string): void {
    if (data === '' || !this.writable()) return;
    this.startWithDefaultSize();
    this.event('o', data);
  }

  input(data: string): void {
    if (!this.options.recordInput || data === '' || !this.writable()) return;
    this.startWithDefaultSize();
    this.event('i', data);
  }

  /** Completes the recording; resolves with why it is incomplete, or null when it is whole. Harmless to call twice. */
  finish(): Promise<string | null> {
    this.finishing ??= this.close();
    return this.finishing;
  }

  private async close(): Promise<string | null> {
    if (this.failure === null) {
      this.startWithDefaultSize();
      this.sink.end();
      try {
        await finished(this.sink);
      } catch (error) {
        this.fail(writeFailure(error as NodeJS.ErrnoException));
      }
    }
    return this.failure;
  }

  private writable(): boolean {
    return this.failure === null && this.finishing === undefined;
  }

  private startWithDefaultSize(): void {
    if (!this.started) this.start(DEFAULT_TERMINAL_SIZE.cols, DEFAULT_TERMINAL_SIZE.rows);
  }

  private start(cols: number, rows: number): void {
    this.started = true;
    const timestamp = Math.floor(this.options.startedAt.getTime() / 1000);
    this.write(asciicastHeader({ width: cols, height: rows, timestamp, title: this.options.title }));
  }

  private event(code: AsciicastEventCode, data: string): void {
    this.write(asciicastEvent((this.options.now() - this.origin) / 1000, code, data));
  }

  private write(line: string): void {
    if (this.failure !== null) return;
    if (this.sink.writableLength > MAX_UNWRITTEN_BYTES) {
      this.fail(`the disk fell more than ${MAX_UNWRITTEN_BYTES / (1024 * 1024)} MiB behind the terminal`);
      return;
    }
    this.sink.write(line);
  }

  private fail(reason: string): void {
    if (this.failure !== null) return;
    this.failure = reason;
    this.sink.destroy();
    this.options.onFailure(reason);
  }
}

/** The error's code only: its message names the file, and the reason is shown to the audit log's readers. */
function writeFailure(error: NodeJS.ErrnoException): string {
  return error.code ? `writing the recording failed (${error.code})` : 'writing the recording failed';
}
