import { Logger } from '@nestjs/common';
import { ApiError } from '../common/errors/api-error.js';
import type { KubePod } from '../common/kube/kube-objects.js';
import { Backoff, realDelay, type Delay } from '../common/timing/backoff.js';
import { TimeSlice } from '../common/timing/time-slice.js';
import { ResourceVersionTooLargeError, WatchExpiredError, type KubeApi, type PodWatchEvent } from './kube/kube-api.js';
import { isOlderVersion } from './resource-version.js';
import { TextPod } from './text-pod.js';

export type PodChangeType = 'added' | 'modified' | 'deleted';

export interface PodChange {
  type: PodChangeType;
  /** The pod as it is now (for `deleted`: as it was last seen). */
  pod: KubePod;
  /** The cached state it replaced (`modified`, `deleted`). */
  previous?: KubePod;
  resourceVersion: string;
}

export type PodChangeListener = (change: PodChange) => void;

export interface PodCacheOptions {
  clusterId: string;
  /** Pods per LIST page while (re)filling the cache. */
  listPageSize?: number;
  /** Changes remembered for clients that resume from a resourceVersion (see `changesSince`). */
  historyLimit?: number;
  /** A watch that delivers no line (event or bookmark) for this long is taken for dead. Default 150 s. */
  watchIdleTimeoutMs?: number;
  backoff?: Backoff;
  delay?: Delay;
}

const DEFAULT_WATCH_IDLE_TIMEOUT_MS = 150_000;

/** The API server's state is not the one the cache follows: it was reset (a restore, a new cluster at the address). */
class ClusterReset extends Error {
  constructor(readonly detail: string) {
    super('the cluster was reset');
  }
}

/** A watch that delivered nothing, not even a bookmark, for the idle timeout: a connection that died in silence. */
class WatchIdle extends Error {
  constructor(readonly idleMs: number) {
    super('the watch stayed silent');
  }
}

// A re-list applies its difference (and its listeners index it) in slices of about this long, letting other
// requests run in between: 100 000 new pods take seconds to index, which must not stall the whole service.
const RELIST_SLICE_MS = 20;

// Annotations that can be larger than the rest of the pod and that no reader of the cache needs.
const DROPPED_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

/**
 * One cluster's pods, kept current by LIST then WATCH (with bookmarks), as client-go's reflector does, and then some:
 * - a watch refused for its resourceVersion (410 Gone, or a version past the server's state) re-lists at once;
 * - a resourceVersion lower than the cache's, in an event or a bookmark, means the server's state was reset: the
 *   cache re-lists at once, unsynced meanwhile (compared only when both are decimal integers);
 * - any other refusal (an HTTP error or an ERROR event) re-lists after back-off: the same version is never asked
 *   for again;
 * - a lost connection retries with capped, jittered back-off, and the cache resumes from its resourceVersion only
 *   once a one-item LIST at that version (NotOlderThan) shows the server still has it: a server that came back with
 *   its state reset answers it with ResourceVersionTooLarge, whereas it would accept the watch and stay silent
 *   (apiserver cacher.go Watch serves a plain watch from a future version without complaint);
 * - a watch that delivers nothing for the idle timeout is taken for a connection that died in silence.
 * Pods are kept trimmed (no managedFields), each as its JSON text (`TextPod`). `synced` is true while the cache is
 * known to follow the API server (listed and watching); readers go to the API server when it is false.
 */
export class PodCache {
  private readonly logger = new Logger(PodCache.name);
  private readonly pods = new Map<string, TextPod>();
  private readonly listeners = new Set<PodChangeListener>();
  private readonly syncWaiters = new Set<() => void>();
  private readonly stopping = new AbortController();
  private readonly backoff: Backoff;
  private readonly delay: Delay;
  private running?: Promise<void>;
  private version = '';
  private isSynced = false;
  private lastError?: ApiError;
  private unparsableEvents = 0;
  /** Points the cache passed through, oldest first: each change with its resourceVersion, and bare bookmarks. */
  private history: { resourceVersion: string; change?: PodChange }[] = [];

  constructor(
    private readonly api: KubeApi,
    private readonly options: PodCacheOptions,
  ) {
    this.backoff = options.backoff ?? new Backoff(1000, 30_000);
    this.delay = options.delay ?? realDelay;
  }

  get synced(): boolean {
    return this.isSynced;
  }

  get resourceVersion(): string {
    return this.version;
  }

  get size(): number {
    return this.pods.size;
  }

  /** Why the cache is not synced, when a request to the cluster failed. */
  get failure(): ApiError | undefined {
    return this.isSynced ? undefined : this.lastError;
  }

  /** Starts filling and following; calling it again does nothing. */
  start(): void {
    this.running ??= this.run();
  }

  /** Stops the watch loop and waits for it to end; listeners get nothing more. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.listeners.clear();
    this.isSynced = false;
    for (const wake of this.syncWaiters) wake();
    await this.running;
  }

  get(namespace: string, name: string): TextPod | undefined {
    return this.pods.get(keyOf(namespace, name));
  }

  values(): IterableIterator<TextPod> {
    return this.pods.values();
  }

  /**
   * The changes made after the cache was at `resourceVersion`, in order; `undefined` when that point is not
   * remembered (too old, from before a re-list, or never seen), and the caller must start from a fresh snapshot.
   */
  changesSince(resourceVersion: string): PodChange[] | undefined {
    for (let index = this.history.length - 1; index >= 0; index--) {
      if (this.history[index].resourceVersion !== resourceVersion) continue;
      return this.history.slice(index + 1).flatMap((entry) => (entry.change ? [entry.change] : []));
    }
    return undefined;
  }

  /** Calls `listener` for every later change; returns the unsubscribe function. */
  subscribe(listener: PodChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves true once synced, or false when `timeoutMs` passes first, the cache fails to list, or it stops. */
  waitForSync(timeoutMs: number): Promise<boolean> {
    if (this.isSynced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.syncWaiters.delete(wake);
        resolve(this.isSynced);
      };
      const timer = setTimeout(wake, timeoutMs);
      this.syncWaiters.add(wake);
    });
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    let needsList = true;
    while (!signal.aborted) {
      try {
        if (needsList) {
          await this.relist(signal);
          needsList = false;
        } else {
          await this.checkVersion(signal);
        }
        // A server that ends watches as soon as they open must not be asked again in a tight loop (client-go treats
        // such a watch as an error too: "very short watch").
        if (!(await this.watch(signal))) await this.delay(this.backoff.next(), signal);
      } catch (error) {
        if (signal.aborted) break;
        needsList = (await this.recover(error, signal)) || needsList;
      }
    }
  }

  /** Decides what follows a failure; true when the cache must list again. */
  private async recover(error: unknown, signal: AbortSignal): Promise<boolean> {
    const clusterId = this.options.clusterId;
    if (error instanceof WatchIdle) {
      this.logger.warn({ event: 'pods.cache.watch.idle', clusterId, idleMs: error.idleMs });
      return false;
    }
    if (error instanceof WatchExpiredError) {
      this.logger.log({ event: 'pods.cache.relist', clusterId, reason: 'expired' });
      return true;
    }
    if (error instanceof ClusterReset || error instanceof ResourceVersionTooLargeError) {
      const detail = error instanceof ClusterReset ? error.detail : error.message;
      this.logger.warn({ event: 'pods.cache.relist', clusterId, reason: 'reset', detail });
      // What the cache holds is another state of the cluster: readers go to the API server until the list is in.
      this.markUnsynced(new ApiError(502, 'ClusterUnreachable', `cluster "${clusterId}" was reset; listing it again`));
      return true;
    }
    this.markUnsynced(error);
    // Only a lost connection resumes the watch; a server that answered no to it will not say yes to the same version.
    const resume = error instanceof ApiError && error.origin === 'transport';
    const waitMs = this.backoff.next();
    this.logger.warn({
      event: 'pods.cache.retry',
      clusterId,
      reason: this.lastError?.message,
      next: resume ? 'watch' : 'list',
      waitMs,
    });
    await this.delay(waitMs, signal);
    return !resume;
  }

  /**
   * Asks the server, with a one-item LIST at the cache's resourceVersion (NotOlderThan), whether it still has that
   * version: a server whose state was reset answers ResourceVersionTooLarge, or a lower resourceVersion if it does
   * not check.
   */
  private async checkVersion(signal: AbortSignal): Promise<void> {
    if (!this.version) return; // nothing to check (a server whose list has no resourceVersion)
    const page = await this.api.listPods(
      { limit: 1, resourceVersion: this.version, resourceVersionMatch: 'NotOlderThan' },
      signal,
    );
    const current = page.metadata.resourceVersion;
    if (current && isOlderVersion(current, this.version))
      throw new ClusterReset(`the cluster is at resourceVersion ${current}, the cache at ${this.version}`);
  }

  /**
   * Follows one watch from the cache's resourceVersion until the server ends it; resolves with whether it delivered
   * a line. Rejects with the watch's failure, `ClusterReset` when a resourceVersion goes back, `WatchIdle` when it
   * stays silent past the idle timeout.
   */
  private async watch(signal: AbortSignal): Promise<boolean> {
    const idleMs = this.options.watchIdleTimeoutMs ?? DEFAULT_WATCH_IDLE_TIMEOUT_MS;
    const ending = new AbortController();
    let stop: Error | undefined;
    const end = (reason: Error) => {
      stop ??= reason;
      ending.abort();
    };
    let lines = 0;
    let lastLineAt = performance.now();
    // One timer per watch, re-armed for what is left when it fires, so that a line costs no timer call.
    let timer: NodeJS.Timeout | undefined;
    const arm = (ms: number) => {
      timer = setTimeout(() => {
        const silentMs = performance.now() - lastLineAt;
        if (silentMs >= idleMs) end(new WatchIdle(idleMs));
        else arm(idleMs - silentMs);
      }, ms);
    };
    arm(idleMs);
    try {
      await this.api.watchPods(
        this.version,
        (event) => {
          if (stop) return;
          lastLineAt = performance.now();
          // Healthy means the server accepted the watch and delivered a line: acceptance alone proves little (a proxy,
          // or a server still starting, accepts and drops), while a line shows it serves our resource from our
          // version. Resetting then, not when the watch ends, lets drops spread over time each start from the
          // shortest wait instead of climbing to the cap.
          if (lines++ === 0) this.backoff.reset();
          const version = (event.object as KubePod).metadata?.resourceVersion;
          if (version && isOlderVersion(version, this.version))
            end(new ClusterReset(`${event.type} at resourceVersion ${version} after ${this.version}`));
          else this.apply(event);
        },
        AbortSignal.any([signal, ending.signal]),
        () => this.markSynced(), // the server accepted the watch from a version it has: the cache follows it again
      );
    } catch (error) {
      throw stop ?? error;
    } finally {
      clearTimeout(timer);
    }
    if (stop) throw stop;
    return lines > 0;
  }

  /** LIST in pages from one consistent snapshot, then replace the cache, reporting the differences as changes. */
  private async relist(signal: AbortSignal): Promise<void> {
    const listed = new Map<string, KubePod>();
    let continueToken: string | undefined;
    let version = '';
    do {
      const page = await this.api.listPods({ limit: this.options.listPageSize ?? 500, continueToken }, signal);
      for (const pod of page.items) listed.set(keyOfPod(pod), trim(pod));
      continueToken = page.metadata.continue || undefined;
      version = page.metadata.resourceVersion ?? version;
    } while (continueToken && !signal.aborted);
    if (signal.aborted) return;
    this.version = version;
    // What happened between the last watch and this list is only known as a difference: clients that resume from
    // before it start over from a snapshot.
    this.history = [{ resourceVersion: version }];
    const slice = new TimeSlice(RELIST_SLICE_MS);
    for (const [key, previous] of this.pods) {
      if (!listed.has(key)) {
        this.pods.delete(key);
        this.emit({ type: 'deleted', pod: previous, previous, resourceVersion: version });
      }
      if (slice.over()) {
        await slice.yield();
        if (signal.aborted) return;
      }
    }
    for (const [key, listedPod] of listed) {
      listed.delete(key); // the listed objects go as they are taken in, not all at the end
      const previous = this.pods.get(key);
      if (previous === undefined || previous.identity !== TextPod.identityOf(listedPod)) {
        // Made into text here, not as the pages arrive: its listeners read it next, from the object it was made of.
        const pod = TextPod.of(listedPod);
        this.pods.set(key, pod);
        this.emit({ type: previous ? 'modified' : 'added', pod, previous, resourceVersion: version });
      }
      if (slice.over()) {
        await slice.yield();
        if (signal.aborted) return;
      }
    }
    this.markSynced();
  }

  private apply(event: PodWatchEvent): void {
    const object = event.object as KubePod;
    const version = object.metadata?.resourceVersion;
    if (event.type === 'BOOKMARK') {
      if (version) {
        this.version = version;
        this.remember({ resourceVersion: version });
      }
      return;
    }
    if (!object.metadata?.name || !object.metadata.namespace || !version) {
      this.unparsableEvents++;
      this.logger.warn({
        event: 'pods.cache.event.malformed',
        clusterId: this.options.clusterId,
        type: event.type,
        count: this.unparsableEvents,
      });
      return;
    }
    this.version = version;
    const key = keyOfPod(object);
    const previous = this.pods.get(key);
    if (event.type === 'DELETED') {
      if (!previous) return;
      this.pods.delete(key);
      this.record({ type: 'deleted', pod: previous, previous, resourceVersion: version });
      return;
    }
    const pod = TextPod.of(trim(object));
    this.pods.set(key, pod);
    this.record({ type: previous ? 'modified' : 'added', pod, previous, resourceVersion: version });
  }

  private record(change: PodChange): void {
    this.remember({ resourceVersion: change.resourceVersion, change });
    this.emit(change);
  }

  private remember(entry: { resourceVersion: string; change?: PodChange }): void {
    this.history.push(entry);
    const limit = this.options.historyLimit ?? 10_000;
    if (this.history.length > limit * 1.5) this.history = this.history.slice(-limit); // amortized trimming
  }

  private emit(change: PodChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger.error({
          event: 'pods.cache.listener.failed',
          clusterId: this.options.clusterId,
          detail: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }

  private markSynced(): void {
    this.isSynced = true;
    this.lastError = undefined;
    for (const wake of this.syncWaiters) wake();
  }

  private markUnsynced(error: unknown): void {
    this.isSynced = false;
    this.lastError =
      error instanceof ApiError
        ? error
        : new ApiError(502, 'ClusterUnreachable', `cluster "${this.options.clusterId}" could not be reached`);
    for (const wake of this.syncWaiters) wake(); // they answer from the API server, or with this failure
  }
}

/** A pod's key in the cache, the pod index and the live list: `namespace/name`. */
export function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function keyOfPod(pod: KubePod): string {
  return keyOf(pod.metadata.namespace ?? '', pod.metadata.name ?? '');
}

/** The pod without what only the API server's own bookkeeping needs. */
export function trim(pod: KubePod): KubePod {
  const { managedFields: _managed, ...metadata } = pod.metadata;
  const annotations = metadata.annotations;
  if (annotations && DROPPED_ANNOTATIONS.some((name) => name in annotations)) {
    metadata.annotations = Object.fromEntries(
      Object.entries(annotations).filter(([name]) => !DROPPED_ANNOTATIONS.includes(name)),
    );
  }
  return { ...pod, metadata };
}
