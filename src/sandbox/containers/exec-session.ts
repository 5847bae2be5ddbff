import { createHash } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import type { KubePod } from '../../common/kube/kube-objects.js';
import { containerView } from './container-view.js';
import { type ExecRequest, execRefusal } from './exec-request.js';
import { encodeStatus, type ExecOutcome, execStatus, V4_PROTOCOL, V5_PROTOCOL } from './exec-status.js';
import { InputQueue } from './input-queue.js';
import { ExecStartError, Shell, type ShellIo, type TerminalSize } from './interpreter.js';
import { LineDiscipline, ResizeDecoder, toTerminalOutput } from './terminal.js';

/**
 * `pods/exec` over WebSocket: the server side of the remote command protocol (k8s.io/apimachinery
 * pkg/util/remotecommand/constants.go), for a socket the server has already upgraded.
 *
 * Every binary message starts with a channel byte: 0 stdin, 1 stdout, 2 stderr, 3 error (the final `Status`),
 * 4 resize (JSON `{"Width":…,"Height":…}`); v5 adds 255 CLOSE, whose second byte names the stream the peer will not
 * write again (client-go sends `[255, 0]` when its stdin ends). At the start the server writes an empty message
 * on the lowest writable channel (stdout, else stderr, else error); at the end it writes the `Status` on channel 3
 * and closes with 1000, the only close code that lets client-go read the status as a clean end of stream.
 */

/** Subprotocols this server speaks, preferred first. */
export const EXEC_SUBPROTOCOLS: readonly string[] = [V5_PROTOCOL, V4_PROTOCOL];

/**
 * The subprotocol to accept from those a client offers (`Sec-WebSocket-Protocol`), as a real API server picks it:
 * any offer of v5 is served by the API server itself (v5); otherwise v4 goes to the runtime; nothing else is spoken.
 * `supported` narrows that down: an API server before 1.30 speaks v4 only.
 */
export function negotiateExecProtocol(
  offered: Iterable<string>,
  supported: readonly string[] = EXEC_SUBPROTOCOLS,
): string | undefined {
  const offers = new Set(offered);
  return supported.find((protocol) => offers.has(protocol));
}

const CHANNEL_STDIN = 0;
const CHANNEL_STDOUT = 1;
const CHANNEL_STDERR = 2;
const CHANNEL_ERROR = 3;
const CHANNEL_RESIZE = 4;
const CHANNEL_CLOSE = 255;

/** Exit status of a process killed with SIGKILL (its container stopped or its pod was deleted). */
export const KILLED_STATUS = 137;

export interface ExecSessionsOptions {
  /**
   * Output is sent without waiting while the socket buffers less than this; above it, each write waits until its
   * frame has left for the network, so a client that stops reading holds at most about this much (plus one frame)
   * in server memory. Default 64 KiB.
   */
  sendHighWaterBytes?: number;
  /** Input typed ahead of what the process reads; above it the socket is paused. Default 1 MiB. */
  stdinHighWaterBytes?: number;
  /** How `sleep` waits (resolves early when `signal` aborts). Default: real timers. */
  delay?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** The open exec sessions of a simulator. */
export class ExecSessions {
  private readonly sessions = new Set<ExecSession>();
  private sequence = 0;

  constructor(private readonly options: ExecSessionsOptions = {}) {}

  /** Sessions whose socket is still open (`GET /sandbox/stats`). */
  get open(): number {
    return this.sessions.size;
  }

  /**
   * Runs `request` in `pod` over `socket` (from `ws`, upgraded with `protocol`, one of `EXEC_SUBPROTOCOLS`).
   * The session owns the socket from here: it closes it when the process ends, and ends the process when the
   * client goes away.
   */
  start(socket: WebSocket, protocol: string, pod: KubePod, request: ExecRequest): void {
    const execId = createHash('sha256')
      .update(`${pod.metadata.uid ?? ''}/${request.container}/${++this.sequence}`)
      .digest('hex');
    const session = new ExecSession(socket, protocol, pod, request, execId, this.options, () =>
      this.sessions.delete(session),
    );
    this.sessions.add(session);
    session.start();
  }

  /** The pod was deleted: its exec processes die with its containers (SIGKILL, status 137 on channel 3). */
  closePod(podUid: string): void {
    for (const session of this.sessions) if (session.podUid === podUid) session.kill(KILLED_STATUS);
  }

  /** One container stopped (it exited or is being restarted): its exec processes are killed. */
  closeContainer(podUid: string, container: string): void {
    for (const session of this.sessions) {
      if (session.podUid === podUid && session.container === container) session.kill(KILLED_STATUS);
    }
  }

  /** The simulator stops: every socket is dropped at once, nothing more is written. */
  closeAll(): void {
    for (const session of [...this.sessions]) session.terminate();
  }
}

class ExecSession {
  readonly podUid: string;
  readonly container: string;
  private readonly stdout: boolean;
  /** With a TTY the runtime has no separate stderr (the kubelet drops the stream). */
  private readonly stderr: boolean;
  private readonly tty: boolean;
  private readonly input: InputQueue;
  private readonly terminal?: LineDiscipline;
  private readonly resize = new ResizeDecoder();
  private readonly stdinDecoder = new TextDecoder('utf-8');
  private readonly shell: Shell;
  private size?: TerminalSize;
  private released = false;
  private readonly sendHighWater: number;
  private readonly delay: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(
    private readonly socket: WebSocket,
    private readonly protocol: string,
    private readonly pod: KubePod,
    private readonly request: ExecRequest,
    private readonly execId: string,
    options: ExecSessionsOptions,
    private readonly onRelease: () => void,
  ) {
    this.podUid = pod.metadata.uid ?? '';
    this.container = request.container;
    this.tty = request.tty;
    this.stdout = request.stdout;
    this.stderr = request.stderr && !request.tty;
    this.sendHighWater = options.sendHighWaterBytes ?? 64 * 1024;
    this.delay = options.delay ?? delay;
    this.input = new InputQueue(options.stdinHighWaterBytes, () => this.socket.resume());
    if (!request.stdin) this.input.close();
    if (this.tty) {
      this.terminal = new LineDiscipline(this.input, {
        echo: (text) => this.sendNow(CHANNEL_STDOUT, text),
        interrupt: () => this.shell.interrupt(),
      });
    }
    this.shell = new Shell(this.io(), containerView(pod, request.container, request.tty));
  }

  start(): void {
    this.socket.on('message', (data: RawData) => this.onMessage(data));
    this.socket.once('close', () => this.release());
    // A socket error is followed by 'close'; nothing else to do here.
    this.socket.on('error', () => undefined);
    void this.run();
  }

  /** Ends the process from outside; the session then reports `code` on channel 3 as usual. */
  kill(code: number): void {
    this.shell.kill(code);
  }

  /** Drops the connection without a status. */
  terminate(): void {
    this.shell.kill(KILLED_STATUS);
    this.release();
    this.socket.terminate();
  }

  private async run(): Promise<void> {
    const first = this.stdout ? CHANNEL_STDOUT : this.stderr ? CHANNEL_STDERR : CHANNEL_ERROR;
    this.sendNow(first, '');
    let outcome: ExecOutcome;
    try {
      outcome = await this.execute();
    } catch (error) {
      // A defect of the simulator, not of the simulated process: report it the way a runtime failure looks.
      outcome = { kind: 'refused', message: `sandbox: ${(error as Error).message}` };
    }
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(frame(CHANNEL_ERROR, encodeStatus(execStatus(this.protocol, this.request.command, outcome))));
    this.socket.close(1000);
  }

  private async execute(): Promise<ExecOutcome> {
    const refusal = execRefusal(this.pod, this.request);
    if (refusal) return { kind: 'refused', message: refusal.message };
    try {
      return { kind: 'exited', code: await this.shell.exec(this.request.command) };
    } catch (error) {
      if (error instanceof ExecStartError)
        return { kind: 'failedToStart', execId: this.execId, ociMessage: error.message };
      throw error;
    }
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    // The client left (or the session was dropped): the process goes with it.
    this.shell.kill(KILLED_STATUS);
    this.input.close();
    this.onRelease();
  }

  private onMessage(data: RawData): void {
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (bytes.length === 0) return;
    const payload = bytes.subarray(1);
    switch (bytes[0]) {
      case CHANNEL_STDIN:
        if (this.request.stdin) this.onStdin(payload);
        break;
      case CHANNEL_RESIZE:
        for (const size of this.resize.push(payload.toString('utf8'))) this.size = size;
        break;
      case CHANNEL_CLOSE:
        if (this.protocol === V5_PROTOCOL && payload[0] === CHANNEL_STDIN) this.onStdinClosed();
        break;
      default:
      // Channels a client has no business writing are ignored, as by the API server.
    }
  }

  private onStdin(payload: Buffer): void {
    const text = this.stdinDecoder.decode(payload, { stream: true });
    if (this.terminal) this.terminal.input(text);
    else this.input.push(text);
    if (this.input.isFull) this.socket.pause();
  }

  private onStdinClosed(): void {
    const rest = this.stdinDecoder.decode();
    if (rest !== '') {
      if (this.terminal) this.terminal.input(rest);
      else this.input.push(rest);
    }
    this.input.close();
  }

  private io(): ShellIo {
    return {
      write: (fd, text) => this.write(fd, text),
      read: (signal) => this.input.read(signal),
      sleep: (ms, signal) => this.delay(ms, signal),
      terminalSize: () => this.size,
    };
  }

  /** Process output, waiting for the socket above the high-water mark (and always yielding to the event loop). */
  private async write(fd: 1 | 2, text: string): Promise<void> {
    const channel = this.tty ? CHANNEL_STDOUT : fd === 1 ? CHANNEL_STDOUT : CHANNEL_STDERR;
    const open = channel === CHANNEL_STDOUT ? this.stdout : this.stderr;
    if (!open || text === '' || this.socket.readyState !== this.socket.OPEN) {
      await yieldToEventLoop();
      return;
    }
    const message = frame(channel, this.tty ? toTerminalOutput(text) : text);
    if (this.socket.bufferedAmount < this.sendHighWater) {
      this.socket.send(message);
      await yieldToEventLoop();
      return;
    }
    await new Promise<void>((resolve) => this.socket.send(message, () => resolve()));
  }

  /** Small writes that cannot wait (terminal echo, the first empty frame). */
  private sendNow(channel: number, text: string): void {
    if (channel === CHANNEL_STDOUT && !this.stdout) return;
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(frame(channel, text));
  }
}

function frame(channel: number, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const message = Buffer.allocUnsafe(payload.length + 1);
  message[0] = channel;
  payload.copy(message, 1);
  return message;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Longest single timer Node accepts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  if (ms <= 0) return yieldToEventLoop();
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      resolve();
    };
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', finish);
        if (ms > MAX_TIMER_MS) void delay(ms - MAX_TIMER_MS, signal).then(resolve);
        else resolve();
      },
      Math.min(ms, MAX_TIMER_MS),
    );
    signal.addEventListener('abort', finish, { once: true });
  });
}
