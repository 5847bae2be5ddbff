import type { Duplex, Readable } from 'node:stream';
import { Logger } from '@nestjs/common';
import { WebSocket, type RawData } from 'ws';
import type { Identity } from '../auth/identity.js';
import type { ClusterConnection } from '../clusters/cluster-connection.js';
import type { ClusterConnections } from '../clusters/cluster-connections.js';
import { ApiError, asApiError } from '../common/errors/api-error.js';
import type { KubePod } from '../common/kube/kube-objects.js';
import { TokenBucket } from '../common/timing/token-bucket.js';
import { TurnCork } from '../common/ws/turn-cork.js';
import { invalidRouteParams, parseMessage, wsErrorMessage, type MessageOf } from '../common/ws/ws-message.js';
import type { LogsConfig } from '../config/logs.config.js';
import { PodParams } from '../pods/dto/pod.params.js';
import {
  LOG_STREAM_CLIENT_MESSAGES,
  type LogEndReason,
  type LogStreamServerMessage,
  type LogSubscribeMessage,
} from './dto/log-stream.messages.js';
import { afterLogEnd, logInstance, type LogEndOutcome, type LogInstance } from './log-end.js';
import { PodChanges } from './pod-changes.js';
import { openPodLog, type OpenPodLog, type PodLogRequest } from './pod-log.js';
import type { StreamSlots } from './stream-slots.js';
import { utf8LineBatches } from './utf8-lines.js';

// Past this many bytes not yet handed to the operating system, the next line is pulled from the cluster only once ws
// has written the last frame: a client that reads nothing pauses the upstream read (and, through TCP, the kubelet)
// instead of making the service buffer the log. What a stream holds is then bounded by this plus one line.
const SEND_HIGH_WATER_BYTES = 64 * 1024;

export interface LogStreamDependencies {
  connections: ClusterConnections;
  /** The streams the service may hold open (LOGS_MAX_STREAMS), shared by every session. */
  slots: StreamSlots;
  /**
   * Spends one of the client's new log streams (RATE_LIMIT_LOG_STREAMS per caller, over all its sockets); throws
   * TooManyRequests beyond.
   */
  newStream: () => Promise<void>;
  config: LogsConfig;
  /** How long to wait for a cluster's pod cache to fill (PODS_WATCH_SYNC_TIMEOUT_SECONDS). */
  podCacheSyncTimeoutMs: number;
}

/**
 * One client of a pod's live log (api.md §4.2). Each `subscribe` replaces the current stream: the container's log
 * opened with the options given (`subscribed` once the cluster answered), one `log` message per line in order, and
 * `end` with the reason it ended — or, with `followRestarts`, `restarted` and the next run's lines. An error goes to
 * the client as an `error` message and the socket stays open for another subscribe.
 *
 * Lines are pulled from the cluster only as fast as the client reads them (see SEND_HIGH_WATER_BYTES). Whatever ends
 * a stream (a new subscribe, `unsubscribe`, the socket closing, the cluster removed) aborts its upstream request.
 */
export class LogStreamSession {
  private readonly logger = new Logger(LogStreamSession.name);
  /** Aborts the current stream: its upstream request, its wait for a restart, its place among the open streams. */
  private current?: AbortController;
  private readonly socketClosed = new AbortController();
  private readonly messages: TokenBucket;
  private readonly cork: TurnCork;
  private refusalPending = false;

  constructor(
    private readonly socket: WebSocket,
    /** The connection under the WebSocket: its writes are batched per event-loop turn (`TurnCork`). */
    connection: Duplex,
    private readonly params: Record<string, string>,
    /** Who opened the stream (the upgrade's caller): the pod and its log are read as them. */
    private readonly caller: Identity,
    private readonly deps: LogStreamDependencies,
  ) {
    this.cork = new TurnCork(connection);
    this.messages = new TokenBucket({
      capacity: deps.config.streamMessageBurst,
      perSecond: deps.config.streamMessagesPerSecond,
      now: () => performance.now(),
    });
  }

  start(): void {
    const problem = invalidRouteParams(PodParams, this.params);
    if (problem) {
      this.socket.send(JSON.stringify(wsErrorMessage(problem)));
      this.socket.close(4400, problem.message.slice(0, 120));
      return;
    }
    this.socket.on('message', (raw: RawData) => void this.onMessage(raw));
    this.socket.once('close', () => this.stop());
  }

  /** The client left (or was dropped by the heartbeat): stop reading the cluster. */
  private stop(): void {
    this.socketClosed.abort();
    this.current?.abort();
    this.current = undefined;
  }

  private async onMessage(raw: RawData): Promise<void> {
    if (this.socketClosed.signal.aborted) return;
    // Checked before the message is even parsed, so that a flood costs next to nothing and reaches no cluster.
    if (!this.messages.take()) return this.refuse();
    let message: MessageOf<typeof LOG_STREAM_CLIENT_MESSAGES>;
    try {
      message = parseMessage(LOG_STREAM_CLIENT_MESSAGES, raw);
    } catch (error) {
      return this.send(wsErrorMessage(asApiError(error))); // a message not understood changes nothing
    }
    // A subscribe or an unsubscribe ends the current stream here, synchronously: none of its lines is sent after.
    this.current?.abort();
    this.current = undefined;
    if (message.type === 'unsubscribe') return;
    const stream = new AbortController();
    this.current = stream;
    try {
      await this.stream(message, stream.signal);
    } catch (error) {
      if (stream.signal.aborted) return; // replaced, or nobody left to tell
      const failure = asApiError(error);
      if (failure.reason === 'Internal') {
        this.logger.error({ event: 'logs.stream.failed', ...this.params, detail: String(error) });
      }
      await this.send(wsErrorMessage(failure), stream.signal);
    } finally {
      stream.abort();
      if (this.current === stream) this.current = undefined;
    }
  }

  /** Runs one stream until it ends (resolving) or fails (rejecting); does nothing more once `signal` aborts. */
  private async stream(message: LogSubscribeMessage, signal: AbortSignal): Promise<void> {
    const release = this.deps.slots.take();
    if (!release) {
      const { maxStreams } = this.deps.config;
      this.logger.warn({
        event: 'logs.stream.refused',
        reason: 'TooManyStreams',
        clusterId: this.params.clusterId,
        maxStreams,
      });
      throw new ApiError(
        429,
        'TooManyStreams',
        `the service streams at most ${maxStreams} logs at once; try again later`,
      );
    }
    // Given back the moment the stream is replaced, so that a subscribe replacing one at the limit is not refused.
    signal.addEventListener('abort', release, { once: true });
    // After the place is taken, so that a subscribe the service turns away costs the caller nothing.
    await this.deps.newStream();
    if (signal.aborted) return;
    const connection = await this.deps.connections.get(this.params.clusterId);
    if (signal.aborted) return;
    const upstream = AbortSignal.any([signal, connection.closed]);
    try {
      const reading = { caller: this.caller, signal: upstream };
      let run = toRun(await openPodLog(connection, this.pod(), firstRunRequest(message), reading));
      await this.send({ type: 'subscribed', container: run.instance.container }, signal);
      for (;;) {
        await this.relay(run.body, signal);
        if (signal.aborted) return;
        if (!message.follow) return await this.end('Completed', signal);
        const outcome = await this.afterEnd(connection, run.instance, message.followRestarts === true, upstream);
        if (outcome.kind === 'end') return await this.end(outcome.reason, signal);
        await this.send({ type: 'restarted', restartCount: outcome.restartCount }, signal);
        // The new run from its first line, whatever tailLines or since* cut from the first.
        const next = { container: run.instance.container, follow: true, timestamps: message.timestamps };
        run = toRun(await openPodLog(connection, this.pod(), next, reading));
      }
    } catch (error) {
      if (connection.closed.aborted && !signal.aborted) return await this.end('ClusterRemoved', signal);
      throw error;
    }
  }

  /**
   * Sends each line of `body` as it is read, reading on only while the client takes them in. The lines of a chunk go
   * out in one step, without waiting between them unless the client has fallen behind.
   */
  private async relay(body: Readable, signal: AbortSignal): Promise<void> {
    try {
      for await (const lines of utf8LineBatches(body)) {
        for (const line of lines) {
          if (signal.aborted) return;
          // The `log` message as JSON.stringify writes it, without building an object per line.
          const frame = `{"type":"log","data":${JSON.stringify(line)}}`;
          if (!this.writeNow(frame)) await this.writeWhenTaken(frame, signal);
        }
      }
    } finally {
      body.destroy();
    }
  }

  /**
   * What the end of a followed log means, from the pod read afresh; with `followRestarts`, while the container is
   * yet to run again, from the pod's next states as the cluster's watch-fed cache reports them (rather than asking
   * the API server again and again while a container backs off for minutes).
   */
  private async afterEnd(
    connection: ClusterConnection,
    instance: LogInstance,
    followRestarts: boolean,
    signal: AbortSignal,
  ): Promise<Exclude<LogEndOutcome, { kind: 'wait' }>> {
    // Listening before the pod is read, so that no change after the read goes unseen.
    const changes = followRestarts
      ? new PodChanges(connection.pods, this.params.namespace, this.params.name)
      : undefined;
    try {
      let pod = await this.readPod(connection, signal);
      for (;;) {
        const outcome = afterLogEnd(pod, instance, followRestarts);
        if (outcome.kind !== 'wait') return outcome;
        await this.inSync(connection);
        pod = await changes!.next(signal);
      }
    } finally {
      changes?.close();
    }
  }

  /**
   * Resolves once the cluster's pod cache follows the cluster, so that its changes tell of the restart; a cache that
   * cannot fill (the cluster's pods cannot be listed) fails the stream with its reason instead of leaving it silent.
   */
  private async inSync(connection: ClusterConnection): Promise<void> {
    const cache = connection.pods;
    if (await cache.waitForSync(this.deps.podCacheSyncTimeoutMs)) return;
    throw (
      cache.failure ?? new ApiError(504, 'UpstreamTimeout', `cluster "${connection.id}" did not list its pods in time`)
    );
  }

  /** The pod as the API server has it now; `undefined` when it is gone. */
  private async readPod(connection: ClusterConnection, signal: AbortSignal): Promise<KubePod | undefined> {
    try {
      return await connection.call((api) => api.readPod(this.params.namespace, this.params.name, signal), {
        caller: this.caller,
        signal,
      });
    } catch (error) {
      if (error instanceof ApiError && error.reason === 'NotFound') return undefined;
      throw error;
    }
  }

  private async end(reason: LogEndReason, signal: AbortSignal): Promise<void> {
    await this.send({ type: 'end', reason }, signal);
  }

  /** Tells the client its message was refused; while it is not reading, the refusals in between make one. */
  private async refuse(): Promise<void> {
    if (this.refusalPending) return;
    this.refusalPending = true;
    const { streamMessagesPerSecond: rate, streamMessageBurst: burst } = this.deps.config;
    try {
      await this.send(
        wsErrorMessage(
          new ApiError(429, 'TooManyRequests', `too many messages: at most ${rate} per second, ${burst} at once`),
        ),
      );
    } finally {
      this.refusalPending = false;
    }
  }

  /**
   * Sends a message unless `signal` (the stream it belongs to) has ended. Above the high-water mark, resolves only once
   * ws has handed the frame to the operating system (or the socket or the stream ended), so that the caller's next
   * read from the cluster waits for the client.
   */
  private async send(message: LogStreamServerMessage, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return;
    const frame = JSON.stringify(message);
    if (!this.writeNow(frame)) await this.writeWhenTaken(frame, signal);
  }

  /**
   * Writes the frame at once (batched with the others of this turn) while the client keeps up; true when it was
   * written or there is no one left to write to, false when the client has fallen behind.
   */
  private writeNow(frame: string): boolean {
    if (this.socket.readyState !== WebSocket.OPEN) return true;
    if (this.socket.bufferedAmount >= SEND_HIGH_WATER_BYTES) return false;
    this.cork.hold();
    this.socket.send(frame);
    return true;
  }

  /** Writes the frame and resolves once ws has handed it to the operating system, or the socket or stream ended. */
  private async writeWhenTaken(frame: string, signal?: AbortSignal): Promise<void> {
    const ended = signal ? AbortSignal.any([signal, this.socketClosed.signal]) : this.socketClosed.signal;
    await new Promise<void>((resolve) => {
      const done = () => {
        ended.removeEventListener('abort', done);
        resolve();
      };
      ended.addEventListener('abort', done, { once: true });
      // A failed write means the socket is going away, which its `close` handles.
      this.socket.send(frame, done);
    });
  }

  private pod(): { namespace: string; name: string } {
    return { namespace: this.params.namespace, name: this.params.name };
  }
}

/**
 * An opened log as a stream keeps it: its body and which run of the container it reads, not the pod it was read from
 * (a pod with large annotations would otherwise be held for as long as the stream lasts).
 */
function toRun(log: OpenPodLog): { body: Readable; instance: LogInstance } {
  return { body: log.body, instance: logInstance(log.pod, log.container) };
}

/** The log request of a subscribe's first run, as `kubectl logs` takes the same options. */
function firstRunRequest(message: LogSubscribeMessage): PodLogRequest {
  return {
    container: message.container,
    follow: message.follow ?? false,
    previous: message.previous,
    tailLines: message.tailLines,
    sinceSeconds: message.sinceSeconds,
    sinceTime: message.sinceTime,
    timestamps: message.timestamps,
  };
}
