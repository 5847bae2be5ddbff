import { Logger } from '@nestjs/common';
import { WebSocket, type RawData } from 'ws';
import type { ClusterConnection } from '../clusters/cluster-connection.js';
import type { ClusterConnections } from '../clusters/cluster-connections.js';
import { ClusterParams } from '../clusters/dto/cluster.params.js';
import { ApiError, asApiError } from '../common/errors/api-error.js';
import type { KubePod } from '../common/kube/kube-objects.js';
import { TokenBucket } from '../common/timing/token-bucket.js';
import { invalidRouteParams, parseMessage, wsErrorMessage } from '../common/ws/ws-message.js';
import type { PodsConfig } from '../config/pods.config.js';
import type { PodSummary } from './dto/pod-summary.dto.js';
import { POD_WATCH_CLIENT_MESSAGES, type PodWatchSubscribeMessage } from './dto/pod-watch.messages.js';
import { indexPod } from './indexed-pod.js';
import type { PodIndexes } from './pod-indexes.js';
import { createPodMatcher, parsePodFilter, toPodSort, type PodFilter } from './pod-query.js';
import { PodWatchView } from './pod-watch.view.js';
import { SendCongestion } from './send-congestion.js';

// Past this much unread data nothing more is queued: changes wait (coalesced), a snapshot is not built until the
// client has read. What a socket holds is then bounded by this plus the last message queued.
const CONGESTED_BYTES = 4 * 1024 * 1024;

export interface PodWatchDependencies {
  connections: ClusterConnections;
  indexes: PodIndexes;
  config: PodsConfig;
}

/**
 * One client of the live pod list (api.md §3.7). Each `subscribe` replaces the current view: a snapshot (or, with a
 * remembered `resourceVersion`, the changes missed since), then the changes to the filtered set as they happen.
 * Errors go to the client as `error` messages and the socket stays open for another subscribe; removing the cluster
 * ends the session.
 *
 * Flow control: client messages are rate-limited (beyond the limit each is refused with TooManyRequests, without
 * being parsed); nothing is queued while the client has more than CONGESTED_BYTES unread, and a client that stays so
 * for `watchCongestedCloseMs` is closed with 1013.
 */
export class PodWatchSession {
  private readonly logger = new Logger(PodWatchSession.name);
  private current?: { view: PodWatchView; unsubscribe: () => void };
  private generation = 0;
  private closed = false;
  private readonly messages: TokenBucket;
  private readonly congestion: SendCongestion;
  private congestionTimer?: NodeJS.Timeout;
  /** Waiting for the client to read (see `writable()`). */
  private writers: (() => void)[] = [];
  private refusalPending = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly params: Record<string, string>,
    private readonly deps: PodWatchDependencies,
    /** The namespaces the caller may see now (undefined: all), read at each subscribe: grants may change. */
    private readonly visibleNamespaces: () => ((namespace: string) => boolean) | undefined = () => undefined,
  ) {
    const { config } = deps;
    this.messages = new TokenBucket({
      capacity: config.watchMessageBurst,
      perSecond: config.watchMessagesPerSecond,
      now: () => performance.now(),
    });
    this.congestion = new SendCongestion({
      thresholdBytes: CONGESTED_BYTES,
      closeAfterMs: config.watchCongestedCloseMs,
      now: () => performance.now(),
    });
  }

  start(): void {
    const problem = invalidRouteParams(ClusterParams, this.params);
    if (problem) {
      this.write(wsErrorMessage(problem));
      this.socket.close(4400, problem.message.slice(0, 120));
      return;
    }
    this.socket.on('message', (raw: RawData) => void this.onMessage(raw));
    this.socket.once('close', () => this.stop());
  }

  /** Ends the session now (the view and the cache subscription with it) and closes the socket; idempotent. */
  private close(code: number, reason: string): void {
    this.stop();
    this.socket.close(code, reason);
  }

  private stop(): void {
    if (this.closed) return;
    this.closed = true;
    this.generation++;
    this.release();
    clearTimeout(this.congestionTimer);
    this.wakeWriters();
  }

  private release(): void {
    this.current?.unsubscribe();
    this.current?.view.stop();
    this.current = undefined;
  }

  private async onMessage(raw: RawData): Promise<void> {
    if (this.closed) return;
    // Checked before the message is even parsed, so a flood costs next to nothing; a refused message changes nothing.
    if (!this.messages.take()) return this.refuse();
    const generation = ++this.generation;
    const replaced = () => generation !== this.generation;
    try {
      const message = parseMessage(POD_WATCH_CLIENT_MESSAGES, raw);
      this.release(); // a new subscribe (or an unsubscribe) ends the current view
      if (message.type === 'unsubscribe') return;
      await this.subscribe(message, replaced);
    } catch (error) {
      if (replaced()) return; // replaced meanwhile, or nobody to tell
      await this.writable();
      if (replaced()) return;
      this.write(wsErrorMessage(asApiError(error)));
    }
  }

  /** Tells the client its message was refused; while it is not reading, the refusals in between make one. */
  private async refuse(): Promise<void> {
    if (this.refusalPending) return;
    this.refusalPending = true;
    await this.writable();
    this.refusalPending = false;
    const { watchMessagesPerSecond: rate, watchMessageBurst: burst } = this.deps.config;
    this.write(
      wsErrorMessage(
        new ApiError(429, 'TooManyRequests', `too many messages: at most ${rate} per second, ${burst} at once`),
      ),
    );
  }

  private async subscribe(message: PodWatchSubscribeMessage, replaced: () => boolean): Promise<void> {
    const canSeeNamespace = this.visibleNamespaces();
    const filter = { ...parsePodFilter(message), ...(canSeeNamespace ? { canSeeNamespace } : {}) };
    const connection = await this.deps.connections.get(this.params.clusterId);
    if (replaced()) return; // reading `pods` starts the cluster's cache: not for a subscribe nobody waits for
    const cache = connection.pods;
    const index = this.deps.indexes.for(connection);
    if (!(await cache.waitForSync(this.deps.config.watchSyncTimeoutMs))) {
      throw (
        cache.failure ??
        new ApiError(504, 'UpstreamTimeout', `cluster "${connection.id}" did not list its pods in time`)
      );
    }
    // The snapshot is built only once the client has read what it was sent before: built now, it would only wait
    // in memory, and a later subscribe may replace it anyway.
    await this.writable();
    if (replaced()) return;

    const matchesItem = createPodMatcher(filter);
    const matches = (pod: KubePod) => matchesItem(indexPod(pod));
    // The view checks congestion before each flush, so what it sends may pass the threshold by one flush at most.
    const view = new PodWatchView(matches, (change) => this.write(change), {
      coalesceMs: this.deps.config.watchCoalesceMs,
      isCongested: () => this.checkCongestion(),
    });
    // Subscribing and reading the current state happen in one synchronous step: no change falls between them.
    const unsubscribe = cache.subscribe((change) => view.onChange(change));
    const onClusterGone = () => this.endForRemovedCluster(connection);
    connection.closed.addEventListener('abort', onClusterGone, { once: true });
    this.current = {
      view,
      unsubscribe: () => {
        unsubscribe();
        connection.closed.removeEventListener('abort', onClusterGone);
      },
    };

    const missed = message.resourceVersion ? cache.changesSince(message.resourceVersion) : undefined;
    const snapshot = this.snapshot(index, filter, cache.resourceVersion, missed !== undefined);
    view.start(snapshot.keys);
    if (missed) view.replay(missed);
    else this.write(snapshot.message);
  }

  /** The filtered pods now, newest first; refused beyond the configured size (narrow the filter). */
  private snapshot(
    index: ReturnType<PodIndexes['for']>,
    filter: PodFilter,
    resourceVersion: string,
    keysOnly: boolean,
  ) {
    const max = this.deps.config.watchMaxItems;
    const result = index.query(filter, toPodSort('createdAt'), { page: 1, pageSize: max + 1 });
    if (result.total > max) {
      throw new ApiError(
        400,
        'TooManyPods',
        `the filter matches ${result.total} pods; a live list holds at most ${max}: narrow the filter`,
      );
    }
    return {
      keys: result.items.map((item) => item.key),
      message: {
        type: 'snapshot' as const,
        // Each item from its JSON kept in the index (shared with list pages): cheaper than reading the pod again.
        items: keysOnly ? [] : result.items.map((item) => JSON.parse(index.rendered(item)) as PodSummary),
        resourceVersion,
      },
    };
  }

  private endForRemovedCluster(connection: ClusterConnection): void {
    if (!this.checkCongestion()) this.write(wsErrorMessage(ApiError.clusterNotFound(connection.id)));
    this.close(4404, 'cluster removed');
    this.logger.log({ event: 'pods.watch.closed', clusterId: connection.id, reason: 'cluster removed' });
  }

  /**
   * Looks at what the client has left unread: true while it is congested. Also what starts, keeps or cancels the
   * deadline after which a client that stays congested is closed, and closes it once past.
   */
  private checkCongestion(): boolean {
    if (this.closed) return true;
    const state = this.congestion.observe(this.socket.bufferedAmount);
    if (state.kind === 'flowing') {
      clearTimeout(this.congestionTimer);
      this.congestionTimer = undefined;
      return false;
    }
    if (state.kind === 'stuck') {
      this.logger.log({ event: 'pods.watch.closed', clusterId: this.params.clusterId, reason: 'congested' });
      this.close(1013, 'the client is not reading what it is sent');
      return true;
    }
    this.congestionTimer ??= setTimeout(() => {
      this.congestionTimer = undefined;
      this.checkCongestion();
    }, state.closeInMs);
    return true;
  }

  /** Resolves once the client is not congested (at once if it is not now), or the session has ended. */
  private writable(): Promise<void> {
    if (!this.checkCongestion() || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.writers.push(resolve));
  }

  private wakeWriters(): void {
    const writers = this.writers;
    this.writers = [];
    for (const wake of writers) wake();
  }

  // Called by ws each time a frame has been handed to the operating system: the client has read, so what waits for
  // that may go on, and the congestion deadline is cancelled if it caught up.
  private readonly onWritten = (): void => {
    if (this.writers.length > 0 || this.congestionTimer) {
      if (!this.checkCongestion()) this.wakeWriters();
    }
  };

  /** Queues a message; callers have made sure the client is not congested (`checkCongestion()`, `writable()`). */
  private write(message: object): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(JSON.stringify(message), this.onWritten);
    this.checkCongestion(); // starts the deadline as soon as the client falls behind, whether more waits or not
  }
}
