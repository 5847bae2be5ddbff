import { Logger } from '@nestjs/common';
import { WebSocket, type RawData } from 'ws';
import type { ExecSessionAudit, ExecSessionOutcome, ExecAudit } from '../audit/exec-audit.js';
import { callerName, type Identity } from '../auth/identity.js';
import type { ClusterConnection } from '../clusters/cluster-connection.js';
import type { ClusterConnections } from '../clusters/cluster-connections.js';
import type { ExecChannel } from '../clusters/kube/kube-api.js';
import { ApiError, asApiError } from '../common/errors/api-error.js';
import { invalidRouteParams, parseMessage, wsErrorMessage, type MessageOf } from '../common/ws/ws-message.js';
import type { ExecConfig } from '../config/exec.config.js';
import { PodParams } from '../pods/dto/pod.params.js';
import { EXEC_CLIENT_MESSAGES, MAX_INPUT_BYTES, type ExecServerMessage } from './dto/exec.messages.js';
import { OpenExecQuery } from './dto/open-exec.query.js';
import { execContainer } from './exec-container.js';
import { shellWords, ShellWordsError } from './shell-words.js';
import type { OpenTerminal, TerminalSessions } from './terminal-sessions.js';

/** What runs when the request names no command (api.md §5). */
const DEFAULT_COMMAND: readonly string[] = ['/bin/sh'];

// Past this many bytes not yet handed to the operating system, the next output chunk is pulled from the cluster only
// once ws has written the last frame: a client that reads slowly pauses the process's output upstream (through the
// exec socket's TCP window) instead of making the service buffer it.
const SEND_HIGH_WATER_BYTES = 64 * 1024;

// Input the process has not taken yet is held up to this much; beyond, an input message is refused with an error
// rather than queued, so that a client pasting into a process that reads nothing cannot grow the service's memory.
// (Pausing the client's socket instead would also stop its pongs, and the heartbeat would drop it.)
const MAX_QUEUED_INPUT_BYTES = 4 * MAX_INPUT_BYTES;

/** What the gateway knows of the upgrade request. */
export interface TerminalRequest {
  params: Record<string, string>;
  query: Record<string, string>;
  requestId: string;
  /**
   * Who opened the terminal: the process is started as them where the cluster impersonates, and the audit log names
   * them (`user:alice`, `token:portal`, `anonymous`).
   */
  caller: Identity;
}

export interface TerminalDependencies {
  connections: Pick<ClusterConnections, 'get'>;
  /** The terminals open in the service (EXEC_MAX_SESSIONS), shared by every session. */
  sessions: TerminalSessions;
  audit: ExecAudit;
  config: ExecConfig;
}

/** How a session ends: what the audit log records and what the client is told. */
interface Ending {
  outcome: ExecSessionOutcome;
  exitCode?: number;
  /** Sent as the last `error`, followed by a close with 4000 + its status. */
  error?: ApiError;
}

/**
 * One terminal (api.md §5): a process run in a container with a TTY over the exec subresource, bridged to a client's
 * WebSocket. `input` goes to the process's stdin, `resize` to its TTY (one sent before the process has started is
 * applied when it starts), what the process writes comes back as `output` (UTF-8 decoded across chunk boundaries),
 * and its end as `exit` with its code, then a normal close. A refusal or failure is an `error` then a close with
 * 4000 + its status (4404, 4403, 4409, 4502 …); a message not understood gets an `error` and the session goes on.
 *
 * The session owns its socket, its upstream channel, its timers and its end: whichever comes first — the process
 * exiting, the client leaving (or the heartbeat dropping it), the idle or duration limit, the cluster removed, the
 * service stopping — ends everything once (`end()`), and one audit record tells how.
 */
export class TerminalSession implements OpenTerminal {
  private readonly logger = new Logger(TerminalSession.name);
  /** Aborted when the session ends: the upstream request, waits on the socket and on the channel. */
  private readonly ended = new AbortController();
  private readonly whenEnded: Promise<void>;
  private readonly startedAt = new Date();
  private pod!: PodParams;
  private query!: OpenExecQuery;
  private argv!: string[];
  private container?: string;
  private channel?: ExecChannel;
  /** Resolves with the channel once the process has started, or with `undefined` if the session ends before. */
  private readonly opened: Promise<ExecChannel | undefined>;
  private resolveOpened!: (channel: ExecChannel | undefined) => void;
  /** The last size asked for before the process started. */
  private pendingSize?: { cols: number; rows: number };
  private audit?: Promise<ExecSessionAudit>;
  private sessionAudit?: ExecSessionAudit;
  /** Input messages in the order received, each written once the channel has taken the one before. */
  private inputs: Promise<void> = Promise.resolve();
  private queuedInputBytes = 0;
  private bytesIn = 0;
  private bytesOut = 0;
  private idleTimer?: NodeJS.Timeout;
  private durationTimer?: NodeJS.Timeout;
  private release?: () => void;
  private ending?: Promise<void>;

  constructor(
    private readonly socket: WebSocket,
    private readonly request: TerminalRequest,
    private readonly deps: TerminalDependencies,
  ) {
    this.whenEnded = new Promise((resolve) => this.ended.signal.addEventListener('abort', () => resolve()));
    this.opened = new Promise((resolve) => (this.resolveOpened = resolve));
  }

  start(): void {
    const { params, query } = this.request;
    const problem = invalidRouteParams(PodParams, params) ?? invalidRouteParams(OpenExecQuery, query);
    if (problem) return this.refuse(problem);
    this.pod = { clusterId: params.clusterId, namespace: params.namespace, name: params.name };
    this.query = { container: query.container, command: query.command };
    try {
      const words = shellWords(this.query.command ?? '');
      this.argv = words.length > 0 ? words : [...DEFAULT_COMMAND];
    } catch (error) {
      if (!(error instanceof ShellWordsError)) throw error;
      return this.refuse(ApiError.badRequest(`command: ${error.message}`));
    }
    this.release = this.deps.sessions.admit(this);
    if (!this.release) {
      const { capacity } = this.deps.sessions;
      this.logger.warn({ event: 'exec.refused', reason: 'TooManySessions', clusterId: this.pod.clusterId, capacity });
      return this.refuse(
        new ApiError(429, 'TooManySessions', `the service runs at most ${capacity} terminals at once; try again later`),
      );
    }
    this.socket.on('message', (raw: RawData) => this.onMessage(raw));
    this.socket.once('close', () => void this.end({ outcome: 'client-closed' }));
    const { idleTimeoutMs, maxSessionMs } = this.deps.config;
    this.idleTimer = setTimeout(
      () => void this.end({ outcome: 'idle-timeout', error: idle(idleTimeoutMs) }),
      idleTimeoutMs,
    );
    this.durationTimer = setTimeout(
      () => void this.end({ outcome: 'max-duration', error: tooLong(maxSessionMs) }),
      maxSessionMs,
    );
    void this.run();
  }

  stopForShutdown(): Promise<void> {
    return this.end({ outcome: 'service-stopping' });
  }

  /** Reaches the process and relays its output until it ends; every way out goes through `end()`. */
  private async run(): Promise<void> {
    try {
      const connection = await this.deps.connections.get(this.pod.clusterId);
      if (this.ended.signal.aborted) return;
      this.endWithCluster(connection);
      const upstream = AbortSignal.any([this.ended.signal, connection.closed]);
      const asCaller = { caller: this.request.caller, signal: upstream };
      const { namespace, name } = this.pod;
      const container = await connection.call(
        async (api) => execContainer(await api.readPod(namespace, name, upstream), this.query.container),
        asCaller,
      );
      if (this.ended.signal.aborted) return;
      this.container = container;
      const audit = await this.startAudit(container);
      if (this.ended.signal.aborted) return;
      const channel = await connection.call(
        (api) => api.openExec(namespace, name, { container, command: this.argv }, upstream),
        asCaller,
      );
      if (this.ended.signal.aborted) return channel.close();
      this.open(channel, audit);
      await this.relay(channel, audit);
      if (this.ended.signal.aborted) return;
      const exit = await Promise.race([channel.exited, this.whenEnded]);
      if (!exit) return;
      if (exit.kind === 'exited') await this.end({ outcome: 'exited', exitCode: exit.code });
      else await this.end({ outcome: 'upstream-failed', error: exit.error });
    } catch (error) {
      if (this.ended.signal.aborted) return;
      await this.end({ outcome: 'upstream-failed', error: asApiError(error) });
    }
  }

  /** Removing the cluster ends its terminals. */
  private endWithCluster(connection: ClusterConnection): void {
    const onRemoved = () =>
      void this.end({
        outcome: 'cluster-removed',
        error: new ApiError(404, 'ClusterNotFound', `cluster "${connection.id}" was removed`),
      });
    if (connection.closed.aborted) return onRemoved();
    connection.closed.addEventListener('abort', onRemoved, { once: true });
    this.ended.signal.addEventListener('abort', () => connection.closed.removeEventListener('abort', onRemoved), {
      once: true,
    });
  }

  private open(channel: ExecChannel, audit: ExecSessionAudit): void {
    this.channel = channel;
    this.sessionAudit = audit;
    if (this.pendingSize) this.resize(this.pendingSize.cols, this.pendingSize.rows);
    this.pendingSize = undefined;
    this.resolveOpened(channel);
  }

  /**
   * Sends what the process writes, pulling the next chunk only while the client keeps up; a character split across
   * chunks is decoded whole, and bytes that are not UTF-8 arrive as U+FFFD.
   */
  private async relay(channel: ExecChannel, audit: ExecSessionAudit): Promise<void> {
    const decoder = new TextDecoder('utf-8');
    try {
      for await (const chunk of channel.output as AsyncIterable<Buffer | string>) {
        if (this.ended.signal.aborted) return;
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        this.bytesOut += bytes.length;
        this.idleTimer?.refresh();
        await this.sendOutput(decoder.decode(bytes, { stream: true }), audit);
      }
    } catch (error) {
      if (this.ended.signal.aborted) return;
      throw error instanceof ApiError
        ? error
        : new ApiError(502, 'ClusterUnreachable', 'the connection to the cluster broke', undefined, 'transport');
    }
    await this.sendOutput(decoder.decode(), audit);
  }

  private async sendOutput(data: string, audit: ExecSessionAudit): Promise<void> {
    if (data === '' || this.ended.signal.aborted) return;
    audit.output(data);
    const frame = JSON.stringify({ type: 'output', data } satisfies ExecServerMessage);
    if (!this.writeNow(frame)) await this.writeWhenTaken(frame);
  }

  private onMessage(raw: RawData): void {
    if (this.ended.signal.aborted) return;
    let message: MessageOf<typeof EXEC_CLIENT_MESSAGES>;
    try {
      message = parseMessage(EXEC_CLIENT_MESSAGES, raw);
    } catch (error) {
      return this.tell(asApiError(error)); // a message not understood changes nothing
    }
    if (message.type === 'resize') this.resize(message.cols, message.rows);
    else this.onInput(message.data);
  }

  private resize(cols: number, rows: number): void {
    if (!this.channel || !this.sessionAudit) {
      this.pendingSize = { cols, rows };
      return;
    }
    this.channel.resize(cols, rows);
    this.sessionAudit.resized(cols, rows);
  }

  private onInput(data: string): void {
    if (data === '') return;
    const bytes = Buffer.from(data, 'utf8');
    this.idleTimer?.refresh();
    if (this.queuedInputBytes + bytes.length > MAX_QUEUED_INPUT_BYTES) {
      return this.tell(
        new ApiError(429, 'TooManyRequests', 'input dropped: the process has not yet taken the input sent before it'),
      );
    }
    this.queuedInputBytes += bytes.length;
    this.inputs = this.inputs.then(() => this.writeInput(data, bytes));
  }

  /** Writes one input once the process has started and has taken the input before it. Never rejects. */
  private async writeInput(data: string, bytes: Buffer): Promise<void> {
    const channel = await this.opened;
    this.queuedInputBytes -= bytes.length;
    if (!channel || this.ended.signal.aborted) return;
    this.bytesIn += bytes.length;
    this.sessionAudit?.input(data);
    try {
      if (!channel.write(bytes)) await Promise.race([channel.drained(), this.whenEnded]);
    } catch (error) {
      if (this.ended.signal.aborted) return;
      await this.end({ outcome: 'upstream-failed', error: asApiError(error) });
    }
  }

  /**
   * Ends the session, once, however many causes arrive: stops the timers, closes the upstream, tells the client how
   * it ended (unless it has left) and completes the audit record.
   */
  private end(ending: Ending): Promise<void> {
    this.ending ??= this.finish(ending);
    return this.ending;
  }

  private async finish(ending: Ending): Promise<void> {
    this.ended.abort();
    clearTimeout(this.idleTimer);
    clearTimeout(this.durationTimer);
    this.release?.();
    this.channel?.close();
    this.resolveOpened(undefined);
    const { error } = ending;
    if (error?.reason === 'Internal') {
      this.logger.error({
        event: 'exec.failed',
        requestId: this.request.requestId,
        ...this.pod,
        detail: error.message,
      });
    }
    this.sayGoodbye(ending);
    this.logger.log({
      event: 'exec.closed',
      requestId: this.request.requestId,
      clusterId: this.pod.clusterId,
      namespace: this.pod.namespace,
      pod: this.pod.name,
      container: this.container,
      outcome: ending.outcome,
      exitCode: ending.exitCode,
      durationMs: Date.now() - this.startedAt.getTime(),
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
    });
    await this.endAudit(ending);
  }

  private sayGoodbye({ outcome, exitCode, error }: Ending): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (outcome === 'exited') {
      this.socket.send(JSON.stringify({ type: 'exit', code: exitCode ?? 0 } satisfies ExecServerMessage));
      this.socket.close(1000);
    } else if (error) {
      this.socket.send(JSON.stringify(wsErrorMessage(error)));
      this.socket.close(closeCode(error), closeReason(error));
    } else if (outcome === 'service-stopping') {
      this.socket.close(1001, 'the service is stopping');
    } else {
      this.socket.close(1000);
    }
  }

  /** The session's audit record, started once: when the container is known, or at the end if it never was. */
  private startAudit(container: string): Promise<ExecSessionAudit> {
    this.audit ??= this.deps.audit.start({
      requestId: this.request.requestId,
      caller: callerName(this.request.caller),
      clusterId: this.pod.clusterId,
      namespace: this.pod.namespace,
      pod: this.pod.name,
      container,
      argv: this.argv,
      startedAt: this.startedAt,
    });
    return this.audit;
  }

  private async endAudit({ outcome, exitCode, error }: Ending): Promise<void> {
    try {
      const audit = await this.startAudit(this.container ?? this.query.container ?? '');
      await audit.end({
        endedAt: new Date(),
        outcome,
        exitCode: outcome === 'exited' ? (exitCode ?? 0) : null,
        bytesIn: this.bytesIn,
        bytesOut: this.bytesOut,
        ...(error ? { detail: error.message } : {}),
      });
    } catch (failure) {
      this.logger.error({
        event: 'exec.audit.failed',
        requestId: this.request.requestId,
        ...this.pod,
        detail: failure instanceof Error ? failure.message : String(failure),
      });
    }
  }

  /** Refuses the session before it has started anything: an `error`, then a close with 4000 + its status. */
  private refuse(error: ApiError): void {
    this.socket.send(JSON.stringify(wsErrorMessage(error)));
    this.socket.close(closeCode(error), closeReason(error));
  }

  /**
   * Tells the client about a message refused, while it is reading: a client that has fallen behind would only have
   * the errors pile up in memory, and it will see the first one anyway.
   */
  private tell(error: ApiError): void {
    if (this.socket.readyState !== WebSocket.OPEN || this.socket.bufferedAmount >= SEND_HIGH_WATER_BYTES) return;
    this.socket.send(JSON.stringify(wsErrorMessage(error)));
  }

  /** Writes the frame at once while the client keeps up; true when written (or no one is left), false when behind. */
  private writeNow(frame: string): boolean {
    if (this.socket.readyState !== WebSocket.OPEN) return true;
    if (this.socket.bufferedAmount >= SEND_HIGH_WATER_BYTES) return false;
    this.socket.send(frame);
    return true;
  }

  /** Writes the frame and resolves once ws has handed it to the operating system, or the session has ended. */
  private async writeWhenTaken(frame: string): Promise<void> {
    // A failed write means the socket is going away, which its `close` handles.
    await Promise.race([new Promise<void>((resolve) => this.socket.send(frame, () => resolve())), this.whenEnded]);
  }
}

function idle(idleTimeoutMs: number): ApiError {
  return new ApiError(408, 'IdleTimeout', `no input or output for ${idleTimeoutMs / 1000} s: the terminal was closed`);
}

function tooLong(maxSessionMs: number): ApiError {
  return new ApiError(
    408,
    'MaxDurationReached',
    `the terminal was open for ${maxSessionMs / 1000} s, the longest a terminal may last`,
  );
}

/** 4000 + the HTTP-like status (4404, 4403, 4409, 4502 …), as every WebSocket channel of the service closes. */
function closeCode(error: ApiError): number {
  return 4000 + error.status;
}

/** The close frame's reason: the error's reason word (the frame allows at most 123 bytes; the message may be longer). */
function closeReason(error: ApiError): string {
  return error.reason;
}
