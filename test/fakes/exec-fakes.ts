import { PassThrough, type Readable } from 'node:stream';
import {
  ExecAudit,
  type ExecSessionAudit,
  type ExecSessionEnd,
  type ExecSessionStart,
} from '../../src/audit/exec-audit.js';
import type { ApiError } from '../../src/common/errors/api-error.js';
import type { ExecChannel, ExecExit } from '../../src/clusters/kube/kube-api.js';

/*
 * The two sides a terminal session talks to, played by a test: the process in the container (`FakeExecChannel`, what
 * `KubeApi.openExec` hands over) and the audit log (`RecordingAudit`).
 */

/** A process in a container, as the cluster side hands it over; the test plays the process. */
export class FakeExecChannel implements ExecChannel {
  readonly protocol = 'v5.channel.k8s.io';
  readonly exited: Promise<ExecExit>;
  readonly written: Buffer[] = [];
  readonly resizes: [number, number][] = [];
  closed = false;
  /** What `write` answers: false while the upstream socket is full. */
  accepting = true;
  private settle!: (exit: ExecExit) => void;
  private readonly drainWaiters: (() => void)[] = [];

  constructor(readonly output: Readable = new PassThrough()) {
    this.exited = new Promise((resolve) => (this.settle = resolve));
  }

  write(input: Buffer): boolean {
    this.written.push(input);
    return this.accepting;
  }

  drained(): Promise<void> {
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  resize(cols: number, rows: number): void {
    this.resizes.push([cols, rows]);
  }

  close(): void {
    this.closed = true;
    this.output.destroy();
  }

  get input(): string {
    return Buffer.concat(this.written).toString('utf8');
  }

  print(bytes: Buffer | string): void {
    (this.output as PassThrough).write(bytes);
  }

  exit(code: number): void {
    this.output.push(null);
    this.settle({ kind: 'exited', code });
  }

  fail(error: ApiError): void {
    this.output.push(null);
    this.settle({ kind: 'failed', error });
  }

  drain(): void {
    this.accepting = true;
    for (const wake of this.drainWaiters.splice(0)) wake();
  }
}

/** Records every call, and stores nothing. */
export class RecordingAudit extends ExecAudit {
  readonly starts: ExecSessionStart[] = [];
  readonly ends: ExecSessionEnd[] = [];
  readonly outputs: string[] = [];
  readonly inputs: string[] = [];
  readonly resizes: [number, number][] = [];

  start(start: ExecSessionStart): Promise<ExecSessionAudit> {
    this.starts.push(start);
    return Promise.resolve({
      resized: (cols, rows) => this.resizes.push([cols, rows]),
      output: (data) => this.outputs.push(data),
      input: (data) => this.inputs.push(data),
      end: (end) => {
        this.ends.push(end);
        return Promise.resolve();
      },
    });
  }
}
