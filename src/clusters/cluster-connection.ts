import { Logger } from '@nestjs/common';
import type { Identity } from '../auth/identity.js';
import { ApiError } from '../common/errors/api-error.js';
import { runOutsideRequestContext } from '../common/request-context.js';
import type { ClusterEntry } from './cluster-entry.js';
import { impersonationHeaders, impersonationRefusal } from './impersonation.js';
import type { KubeApi } from './kube/kube-api.js';
import { PodCache } from './pod-cache.js';

export const CLUSTER_STATUSES = ['connected', 'disconnected', 'unknown'] as const;
export type ClusterStatus = (typeof CLUSTER_STATUSES)[number];

export interface ClusterHealth {
  status: ClusterStatus;
  version: string | null;
  nodeCount: number | null;
  podCount: number | null;
  /** Why the cluster is disconnected; `connected` otherwise. */
  message: string;
  checkedAt?: number;
}

export interface ClusterConnectionSettings {
  /** Reuse a health result for this long. */
  healthTtlMs: number;
  /** After a transport failure, fail this cluster's requests at once for this long. */
  unreachableHoldMs: number;
  /** The pod cache takes a watch that delivers nothing for this long for dead. */
  watchIdleTimeoutMs: number;
  now?: () => number;
}

/** How a request is made, named at every call. */
export interface CallOptions {
  /**
   * Whom the request is made for: a caller (impersonated when the cluster impersonates), or `service` for what the
   * service reads for everyone alike (shared lists), with its own credentials.
   */
  caller: Identity | 'service';
  /** Cancels the request; a request cancelled this way says nothing about the cluster's reachability. */
  signal?: AbortSignal;
}

const UNKNOWN: ClusterHealth = {
  status: 'unknown',
  version: null,
  nodeCount: null,
  podCount: null,
  message: 'not checked yet',
};

/**
 * The live link to one cluster: its API client, its pod cache (started on first use), its health, and a signal
 * that every stream and terminal opened through it listens to, so that removing the cluster closes them all.
 *
 * The pod cache and the health probes read with the service's own credentials, also on a cluster that impersonates:
 * what they hold is shared by every caller (and narrowed to each caller's grants), so no one caller's rights fit it.
 *
 * An unreachable cluster fails fast: after a transport failure, requests made through `call()` fail at once with
 * that failure for `unreachableHoldMs`, instead of each waiting for its own connect timeout.
 */
export class ClusterConnection {
  private readonly logger = new Logger(ClusterConnection.name);
  private readonly closing = new AbortController();
  private podCache?: PodCache;
  private lastHealth: ClusterHealth = UNKNOWN;
  private probing?: Promise<ClusterHealth>;
  private unreachable?: { error: ApiError; until: number };
  private readonly now: () => number;

  constructor(
    readonly entry: ClusterEntry,
    private readonly api: KubeApi,
    private readonly settings: ClusterConnectionSettings,
  ) {
    this.now = settings.now ?? Date.now;
  }

  get id(): string {
    return this.entry.id;
  }

  /** Aborted when the connection is torn down (cluster removed or changed, service stopping). */
  get closed(): AbortSignal {
    return this.closing.signal;
  }

  /** The watch-fed pod cache, started on first use. */
  get pods(): PodCache {
    if (!this.podCache) {
      const cache = new PodCache(this.api, {
        clusterId: this.id,
        watchIdleTimeoutMs: this.settings.watchIdleTimeoutMs,
      });
      // Whichever request uses the cache first only starts it: its log lines are the cluster's, not that request's.
      runOutsideRequestContext(() => cache.start());
      this.podCache = cache;
    }
    return this.podCache;
  }

  /**
   * Runs a request against the cluster, failing at once while the cluster is known to be unreachable; a transport
   * failure marks it so, unless the caller had cancelled the request (`signal`): a request given up (a client gone,
   * a log stream replaced) says nothing about the cluster. On a cluster that impersonates, a request made for a
   * caller acts as that caller (`impersonationHeaders`), so the cluster's RBAC decides for them too.
   */
  async call<T>(request: (api: KubeApi) => Promise<T>, { caller, signal }: CallOptions): Promise<T> {
    this.throwIfClosed();
    const held = this.unreachable;
    if (held && held.until > this.now()) throw held.error;
    const impersonating = caller !== 'service' && this.entry.impersonate;
    const api = impersonating ? this.api.impersonating(impersonationHeaders(caller)) : this.api;
    try {
      const result = await request(api);
      this.unreachable = undefined;
      return result;
    } catch (error) {
      if (error instanceof ApiError && error.origin === 'transport' && !signal?.aborted) {
        this.unreachable = { error, until: this.now() + this.settings.unreachableHoldMs };
        this.lastHealth = { ...UNKNOWN, status: 'disconnected', message: error.message, checkedAt: this.now() };
      }
      throw impersonating ? impersonationRefusal(error, this.id) : error;
    }
  }

  /** The last known health, refreshed in the background when older than the TTL. */
  cachedHealth(): ClusterHealth {
    if (this.isStale()) void this.probe(this.settings.healthTtlMs);
    return this.lastHealth;
  }

  /** Health no older than the TTL, waiting at most `waitMs` for a probe (then the last known). */
  async health(waitMs: number): Promise<ClusterHealth> {
    if (!this.isStale()) return this.lastHealth;
    const probe = this.probe(waitMs);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ClusterHealth>(
      (resolve) => (timer = setTimeout(() => resolve(this.lastHealth), waitMs)),
    );
    try {
      return await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A fresh probe, bounded by `timeoutMs` (POST /api/clusters/:id/test). It runs outside the request that started
   * it: whoever asks while it runs shares it, and it may outlive them all.
   */
  probe(timeoutMs: number): Promise<ClusterHealth> {
    this.probing ??= runOutsideRequestContext(() => this.runProbe(timeoutMs).finally(() => (this.probing = undefined)));
    return this.probing;
  }

  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    await this.podCache?.stop();
    this.api.close();
  }

  throwIfClosed(): void {
    if (this.closing.signal.aborted) throw new ApiError(404, 'ClusterNotFound', `cluster "${this.id}" was removed`);
  }

  private isStale(): boolean {
    return (
      this.lastHealth.checkedAt === undefined || this.now() - this.lastHealth.checkedAt > this.settings.healthTtlMs
    );
  }

  // Probes go past the fail-fast hold: they are how a cluster that came back is noticed.
  private async runProbe(timeoutMs: number): Promise<ClusterHealth> {
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), this.closing.signal]);
    try {
      const version = await this.api.version(signal);
      // Counts are extras: a service account that may not list nodes still has a connected cluster.
      const [nodes, pods] = await Promise.allSettled([
        this.api.countNodes(signal),
        this.podCache?.synced ? Promise.resolve({ count: this.podCache.size }) : this.api.countPods(signal),
      ]);
      this.unreachable = undefined;
      this.lastHealth = {
        status: 'connected',
        version: version.gitVersion,
        nodeCount: nodes.status === 'fulfilled' ? nodes.value.count : null,
        podCount: pods.status === 'fulfilled' ? pods.value.count : null,
        message: 'connected',
        checkedAt: this.now(),
      };
    } catch (error) {
      const failure =
        error instanceof ApiError
          ? error
          : new ApiError(502, 'ClusterUnreachable', `cluster "${this.id}" could not be reached`);
      if (failure.origin === 'transport')
        this.unreachable = { error: failure, until: this.now() + this.settings.unreachableHoldMs };
      this.lastHealth = { ...UNKNOWN, status: 'disconnected', message: failure.message, checkedAt: this.now() };
      this.logger.warn({ event: 'cluster.unreachable', clusterId: this.id, reason: failure.message });
    }
    return this.lastHealth;
  }
}
