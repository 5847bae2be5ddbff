import { Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { WebSocket, type RawData } from 'ws';
import type { ClusterConnection } from '../clusters/cluster-connection.js';
import type { ClusterConnections } from '../clusters/cluster-connections.js';
import { ClusterParams } from '../clusters/dto/cluster.params.js';
import { ApiError, asApiError } from '../common/errors/api-error.js';
import type { KubePod } from '../common/kube/kube-objects.js';
import { validationDetails } from '../common/validation/validation-details.js';
import { parseMessage, wsErrorMessage } from '../common/ws/ws-message.js';
import type { PodsConfig } from '../config/pods.config.js';
import type { PodSummary } from './dto/pod-summary.dto.js';
import { POD_WATCH_CLIENT_MESSAGES, type PodWatchSubscribeMessage } from './dto/pod-watch.messages.js';
import { indexPod } from './indexed-pod.js';
import type { PodIndexes } from './pod-indexes.js';
import { createPodMatcher, parsePodFilter, toPodSort, type PodFilter } from './pod-query.js';
import { PodWatchView } from './pod-watch.view.js';

// Past this much unread data, changes wait (coalesced) instead of piling up in the socket.
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
 */
export class PodWatchSession {
  private readonly logger = new Logger(PodWatchSession.name);
  private current?: { view: PodWatchView; unsubscribe: () => void };
  private generation = 0;
  private closed = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly params: Record<string, string>,
    private readonly deps: PodWatchDependencies,
  ) {}

  start(): void {
    const problem = invalidParams(this.params);
    if (problem) {
      this.send(wsErrorMessage(problem));
      this.socket.close(4400, problem.message.slice(0, 120));
      return;
    }
    this.socket.on('message', (raw: RawData) => void this.onMessage(raw));
    this.socket.once('close', () => this.stop());
  }

  private stop(): void {
    this.closed = true;
    this.generation++;
    this.release();
  }

  private release(): void {
    this.current?.unsubscribe();
    this.current?.view.stop();
    this.current = undefined;
  }

  private async onMessage(raw: RawData): Promise<void> {
    const generation = ++this.generation;
    try {
      const message = parseMessage(POD_WATCH_CLIENT_MESSAGES, raw);
      this.release(); // a new subscribe (or an unsubscribe) ends the current view
      if (message.type === 'unsubscribe') return;
      await this.subscribe(message, () => generation !== this.generation);
    } catch (error) {
      if (generation !== this.generation || this.closed) return; // replaced meanwhile, or nobody to tell
      this.send(wsErrorMessage(asApiError(error)));
    }
  }

  private async subscribe(message: PodWatchSubscribeMessage, replaced: () => boolean): Promise<void> {
    const filter = parsePodFilter(message);
    const connection = await this.deps.connections.get(this.params.clusterId);
    const cache = connection.pods;
    const index = this.deps.indexes.for(connection);
    if (!(await cache.waitForSync(this.deps.config.watchSyncTimeoutMs))) {
      throw (
        cache.failure ??
        new ApiError(504, 'UpstreamTimeout', `cluster "${connection.id}" did not list its pods in time`)
      );
    }
    if (replaced()) return;

    const matchesItem = createPodMatcher(filter);
    const matches = (pod: KubePod) => matchesItem(indexPod(pod));
    const view = new PodWatchView(matches, (change) => this.send(change), {
      coalesceMs: this.deps.config.watchCoalesceMs,
      isCongested: () => this.socket.bufferedAmount > CONGESTED_BYTES,
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
    else this.send(snapshot.message);
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
    this.release();
    this.send(wsErrorMessage(ApiError.clusterNotFound(connection.id)));
    this.socket.close(4404, 'cluster removed');
    this.logger.log({ event: 'pods.watch.closed', clusterId: connection.id, reason: 'cluster removed' });
  }

  private send(message: object): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }
}

/** The path's parameters, checked with the same rules as HTTP routes; an ApiError when they break one. */
function invalidParams(params: Record<string, string>): ApiError | undefined {
  const errors = validateSync(plainToInstance(ClusterParams, params), { whitelist: true, forbidUnknownValues: true });
  return errors.length > 0 ? ApiError.validation(validationDetails(errors)) : undefined;
}
