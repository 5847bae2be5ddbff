import type { Agent, ClientRequest, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import WebSocket, { type RawData } from 'ws';
import { ApiError } from '../../common/errors/api-error.js';
import { apiErrorFromTransportFailure } from '../../common/errors/kube-status.js';
import {
  decodeExecFrame,
  encodeExecFrame,
  encodeResizeFrame,
  EXEC_CHANNEL,
  EXEC_PROTOCOLS,
  execExitFromStatus,
  execRefusal,
  type ExecTarget,
} from './exec-protocol.js';
import type { ExecChannel, ExecExit } from './kube-api.js';
import { limitConnectTime, readBodyPrefix } from './kube-http.js';

/** Output held for a reader that does not keep up; above it the upstream socket is paused (TCP then stops the server). */
const OUTPUT_HIGH_WATER_BYTES = 64 * 1024;
/** Input the socket may hold unsent before `write` answers false. */
const INPUT_HIGH_WATER_BYTES = 64 * 1024;
/**
 * The largest message taken from the server: the kubelet copies a process's output in 32 KiB pieces, so anything far
 * larger is a broken or hostile server, and this bounds what one message costs.
 */
const MAX_MESSAGE_BYTES = 1024 * 1024;
/** Channel-3 bytes kept: a Status is small; a server that streams on it is not believed. */
const MAX_STATUS_BYTES = 64 * 1024;
/** Refusal bodies are read only for their Status. */
const REFUSAL_BODY_BYTES = 64 * 1024;
/** How long `close()` waits for the server's close frame before dropping the connection. */
const CLOSE_HANDSHAKE_MS = 2000;

export interface ExecConnectRequest {
  /** `…/pods/{name}/exec?…` (http or https; the scheme becomes ws or wss). */
  url: URL;
  /** With the cluster's credentials (Authorization …), as for every other request. */
  headers: OutgoingHttpHeaders;
  /** The cluster's TLS agent (its CA, client certificate, proxy). */
  agent?: Agent;
  /** `user:password` for basic auth. */
  auth?: string;
  target: ExecTarget;
  connectTimeoutMs: number;
  /** Deadline of the whole opening handshake. */
  requestTimeoutMs: number;
  /** Aborts the opening; ignored once the channel is open (`close()` ends it then). */
  signal: AbortSignal;
  /** Aborted when the client is closed: aborts the opening, and closes the channel once open. */
  lifetime: AbortSignal;
}

/**
 * Opens the exec WebSocket (v5 offered before v4) and resolves with the channel once the server has upgraded it.
 * Rejects with `ApiError`: the server's refusal (`execRefusal`), a transport failure, 504 past the deadline.
 */
export function connectExecChannel(request: ExecConnectRequest): Promise<ExecChannel> {
  const { target, lifetime } = request;
  const signal = AbortSignal.any([request.signal, lifetime]);
  if (signal.aborted) return Promise.reject(apiErrorFromTransportFailure(signal.reason, target));
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(request.url, [...EXEC_PROTOCOLS], {
      // ws hands them to http.request as they are, which takes any OutgoingHttpHeaders (its typing is narrower).
      headers: request.headers as Record<string, string>,
      agent: request.agent,
      auth: request.auth,
      perMessageDeflate: false,
      maxPayload: MAX_MESSAGE_BYTES,
      finishRequest: (outgoing: ClientRequest) => {
        limitConnectTime(outgoing, request.url, request.connectTimeoutMs);
        outgoing.end();
      },
    });
    let settled = false;
    const settle = (outcome: { channel: ExecChannel } | { error: ApiError }) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      signal.removeEventListener('abort', onAbort);
      if ('channel' in outcome) return resolve(outcome.channel);
      socket.terminate();
      reject(outcome.error);
    };
    const deadline = setTimeout(
      () =>
        settle({
          error: apiErrorFromTransportFailure(new DOMException('no answer in time', 'TimeoutError'), target),
        }),
      request.requestTimeoutMs,
    );
    const onAbort = () => settle({ error: apiErrorFromTransportFailure(signal.reason, target) });
    signal.addEventListener('abort', onAbort, { once: true });
    // ws emits 'error' then 'close' for every failure, also after a refusal was read: one listener for the socket's life.
    socket.on('error', (error) => settle({ error: apiErrorFromTransportFailure(error, target) }));
    socket.once('unexpected-response', (_outgoing: ClientRequest, response: IncomingMessage) => {
      void readBodyPrefix(response, REFUSAL_BODY_BYTES)
        .catch(() => '')
        .then((body) => settle({ error: execRefusal(response.statusCode ?? 0, body, target) }));
    });
    socket.once('upgrade', (response: IncomingMessage) => {
      // ws would refuse a missing or unknown subprotocol with a message of its own; say it in the service's words.
      if (EXEC_PROTOCOLS.includes(response.headers['sec-websocket-protocol'] ?? '')) return;
      settle({
        error: new ApiError(
          502,
          'ClusterUnreachable',
          `cluster "${target.clusterId}" answered the terminal request without a subprotocol the service speaks (${EXEC_PROTOCOLS.join(', ')})`,
        ),
      });
    });
    socket.once('open', () => settle({ channel: new WebSocketExecChannel(socket, target, lifetime) }));
  });
}

/**
 * A process's terminal over an open exec WebSocket. Output is pulled: the socket is paused while `output` holds more
 * than its high-water mark and resumed when it is read, so a reader that stops stops the server, through TCP, instead
 * of filling memory. `exited` waits for the socket's end and for `output` to be read to its end (or for `close()`).
 */
class WebSocketExecChannel implements ExecChannel {
  readonly protocol: string;
  readonly output: Readable;
  readonly exited: Promise<ExecExit>;
  private readonly status: Buffer[] = [];
  private statusBytes = 0;
  private failure?: Error;
  private closeCode?: number;
  private closedByCaller = false;
  /** `close()` came while the socket was open: the process was hung up on, not ended. */
  private hungUp = false;
  private drainWaiters: (() => void)[] = [];
  private readonly onSent = () => this.wakeDrainWaiters();
  private released!: () => void;

  private readonly onLifetimeEnd = () => this.close();

  constructor(
    private readonly socket: WebSocket,
    private readonly target: ExecTarget,
    private readonly lifetime: AbortSignal,
  ) {
    this.protocol = socket.protocol;
    this.output = new Readable({
      highWaterMark: OUTPUT_HIGH_WATER_BYTES,
      read: () => this.socket.resume(),
      // A reader that gives up on the output (destroys it, or leaves a `for await`) ends the session.
      destroy: (error, callback) => {
        if (!this.output.readableEnded) this.close();
        callback(error);
      },
    });
    const socketClosed = new Promise<void>((resolve) => socket.once('close', resolve));
    const outputRead = new Promise<void>((resolve) => {
      this.released = resolve;
      this.output.once('close', resolve);
    });
    socket.on('message', (data: RawData) => this.onMessage(data));
    socket.on('error', (error) => (this.failure ??= error));
    socket.once('close', (code: number) => this.onSocketClosed(code));
    lifetime.addEventListener('abort', this.onLifetimeEnd, { once: true });
    this.exited = Promise.all([socketClosed, outputRead]).then(() => this.outcome());
  }

  write(input: Buffer): boolean {
    // After the process has ended there is nobody to read the input: it is dropped.
    if (this.socket.readyState !== WebSocket.OPEN) return true;
    this.socket.send(encodeExecFrame(EXEC_CHANNEL.stdin, input), this.onSent);
    return this.socket.bufferedAmount < INPUT_HIGH_WATER_BYTES;
  }

  drained(): Promise<void> {
    if (this.socket.readyState !== WebSocket.OPEN || this.socket.bufferedAmount < INPUT_HIGH_WATER_BYTES) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  resize(cols: number, rows: number): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(encodeResizeFrame(cols, rows));
  }

  close(): void {
    if (this.closedByCaller) return;
    this.closedByCaller = true;
    if (!this.output.readableEnded && !this.output.destroyed) this.output.push(null);
    this.released();
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.hungUp = true;
    this.socket.close(1000);
    // A paused socket would not read the server's close frame: nothing more is delivered, so let it flow.
    this.socket.resume();
    const drop = setTimeout(() => this.socket.terminate(), CLOSE_HANDSHAKE_MS);
    this.socket.once('close', () => clearTimeout(drop));
  }

  private onMessage(data: RawData): void {
    const frame = decodeExecFrame(toBuffer(data));
    if (!frame) return;
    switch (frame.channel) {
      case EXEC_CHANNEL.stdout:
      case EXEC_CHANNEL.stderr:
        if (this.closedByCaller || frame.payload.length === 0) return;
        if (!this.output.push(frame.payload)) this.socket.pause();
        return;
      case EXEC_CHANNEL.error:
        if (this.statusBytes + frame.payload.length > MAX_STATUS_BYTES) return;
        this.status.push(frame.payload);
        this.statusBytes += frame.payload.length;
        return;
      default:
      // Channels a server has no business writing to a terminal client are ignored, as client-go does.
    }
  }

  private onSocketClosed(code: number): void {
    this.closeCode = code;
    this.lifetime.removeEventListener('abort', this.onLifetimeEnd);
    if (!this.output.readableEnded && !this.output.destroyed) this.output.push(null);
    this.wakeDrainWaiters(true);
  }

  private wakeDrainWaiters(always = false): void {
    if (this.drainWaiters.length === 0) return;
    if (!always && this.socket.bufferedAmount >= INPUT_HIGH_WATER_BYTES) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const wake of waiters) wake();
  }

  private outcome(): ExecExit {
    if (this.statusBytes > 0) return execExitFromStatus(Buffer.concat(this.status, this.statusBytes), this.target);
    const cluster = `cluster "${this.target.clusterId}"`;
    if (this.hungUp) {
      return {
        kind: 'failed',
        error: new ApiError(502, 'ClusterUnreachable', 'the terminal was closed before its process ended'),
      };
    }
    // 1000 is how an API server ends every session (the only code client-go reads as a clean end); 1006 and the
    // rest mean the connection broke.
    if (this.failure || this.closeCode !== 1000) {
      return {
        kind: 'failed',
        error: new ApiError(502, 'ClusterUnreachable', `the connection to ${cluster} broke`, undefined, 'transport'),
      };
    }
    return {
      kind: 'failed',
      error: new ApiError(502, 'ClusterUnreachable', `${cluster} ended the terminal without an exit status`),
    };
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}
