import { Readable } from 'node:stream';
import { ApiError } from '../../src/common/errors/api-error.js';
import type {
  KubeCoreEvent,
  KubeEventV1,
  KubeList,
  KubeNamespace,
  KubePod,
} from '../../src/common/kube/kube-objects.js';
import type { ClusterAccess } from '../../src/clusters/kube/cluster-access.js';
import {
  ResourceVersionTooLargeError,
  WatchExpiredError,
  type ClusterVersion,
  type DeleteOptions,
  type KubeApi,
  type ListOptions,
  type ObjectCount,
  type PodListOptions,
  type PodLogOptions,
  type ExecChannel,
  type PodWatchEvent,
} from '../../src/clusters/kube/kube-api.js';
import { KubeApiFactory, type KubeApiSettings } from '../../src/clusters/kube/kube-api.factory.js';

interface Watcher {
  onEvent: (event: PodWatchEvent) => void;
  end: (error?: Error) => void;
  /** The revision the watch started from: like the API server's watch cache, it sends nothing at or below it. */
  from: number;
}

/**
 * An in-memory KubeApi for unit tests: pods with resourceVersions, paginated lists, live watches, and failures on
 * demand. Like a real API server, it refuses a LIST at a resourceVersion past its state and accepts a watch from
 * one, sending nothing until its revision passes it. e2e suites use the real simulator instead.
 */
export class FakeKubeApi implements KubeApi {
  private readonly pods = new Map<string, KubePod>();
  private readonly watchers = new Set<Watcher>();
  private readonly logs = new Map<string, string>();
  private revision = 100;
  /** Errors the next calls of each method throw, in order. */
  readonly failures: { listPods: Error[]; watchPods: Error[] } = { listPods: [], watchPods: [] };
  readonly calls: { method: string; args: unknown[] }[] = [];

  static factory(api: FakeKubeApi): KubeApiFactory {
    return new (class extends KubeApiFactory {
      create(_access: ClusterAccess, _settings: KubeApiSettings): KubeApi {
        return api;
      }
    })();
  }

  withPods(...pods: KubePod[]): this {
    for (const pod of pods) this.put(pod, false);
    return this;
  }

  /** Creates or replaces a pod as the API server would, notifying watchers. */
  put(pod: KubePod, notify = true): KubePod {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const existed = this.pods.has(key);
    const stored = {
      ...pod,
      metadata: { ...pod.metadata, resourceVersion: String(++this.revision), uid: pod.metadata.uid ?? `uid-${key}` },
    };
    this.pods.set(key, stored);
    if (notify) this.broadcast({ type: existed ? 'MODIFIED' : 'ADDED', object: stored });
    return stored;
  }

  remove(namespace: string, name: string, notify = true): void {
    const key = `${namespace}/${name}`;
    const pod = this.pods.get(key);
    if (!pod) return;
    this.pods.delete(key);
    const deleted = { ...pod, metadata: { ...pod.metadata, resourceVersion: String(++this.revision) } };
    if (notify) this.broadcast({ type: 'DELETED', object: deleted });
  }

  bookmark(): void {
    this.broadcast({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(++this.revision) } } as KubePod });
  }

  /** Sends an event as it is to every open watch, whatever its resourceVersion (a server that does not filter). */
  send(event: PodWatchEvent): void {
    for (const watcher of [...this.watchers]) watcher.onEvent(event);
  }

  /**
   * The API server coming back with its state reset (a restore, or a new cluster at the same address): only `pods`,
   * at a revision below the one it had. Open watches are cut as a connection would be, unless `keepWatches`, when
   * they stay open and silent, as a watch from a future resourceVersion is on a real API server.
   */
  restart({ revision, pods, keepWatches = false }: { revision: number; pods: KubePod[]; keepWatches?: boolean }): void {
    if (!keepWatches)
      this.endWatches(new ApiError(502, 'ClusterUnreachable', 'connection lost', undefined, 'transport'));
    this.pods.clear();
    this.revision = revision;
    this.withPods(...pods);
  }

  /** Ends every open watch, with `error` (e.g. WatchExpiredError) or normally. */
  endWatches(error?: Error): void {
    for (const watcher of [...this.watchers]) watcher.end(error);
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  get currentRevision(): string {
    return String(this.revision);
  }

  snapshot(): KubePod[] {
    return [...this.pods.values()];
  }

  version(): Promise<ClusterVersion> {
    return Promise.resolve({ gitVersion: 'v1.35.0-fake' });
  }

  countNodes(): Promise<ObjectCount> {
    return Promise.resolve({ count: 1 });
  }

  countPods(): Promise<ObjectCount> {
    return Promise.resolve({ count: this.pods.size });
  }

  listPods(options: PodListOptions): Promise<KubeList<KubePod>> {
    this.calls.push({ method: 'listPods', args: [options] });
    const failure = this.failures.listPods.shift();
    if (failure) return Promise.reject(failure);
    if (options.resourceVersion && options.resourceVersion !== '0' && Number(options.resourceVersion) > this.revision)
      return Promise.reject(
        new ResourceVersionTooLargeError(
          `Timeout: Too large resource version: ${options.resourceVersion}, current: ${this.revision}`,
        ),
      );
    const all = [...this.pods.values()].filter(
      (pod) => !options.namespace || pod.metadata.namespace === options.namespace,
    );
    const start = options.continueToken ? Number(options.continueToken) : 0;
    const end = options.limit ? start + options.limit : all.length;
    return Promise.resolve({
      metadata: {
        resourceVersion: String(this.revision),
        ...(end < all.length ? { continue: String(end), remainingItemCount: all.length - end } : {}),
      },
      items: all.slice(start, end),
    });
  }

  readPod(namespace: string, name: string): Promise<KubePod> {
    const pod = this.pods.get(`${namespace}/${name}`);
    return pod
      ? Promise.resolve(pod)
      : Promise.reject(ApiError.notFound(`pod "${name}" not found in namespace "${namespace}"`));
  }

  /** The log a container has written so far: `readPodLog` answers it (whole, whatever the options). */
  withLog(namespace: string, name: string, container: string, text: string): this {
    this.logs.set(`${namespace}/${name}/${container}`, text);
    return this;
  }

  readPodLog(namespace: string, name: string, options: PodLogOptions): Promise<Readable> {
    this.calls.push({ method: 'readPodLog', args: [namespace, name, options] });
    if (!this.pods.has(`${namespace}/${name}`))
      return Promise.reject(ApiError.notFound(`pod "${name}" not found in namespace "${namespace}"`));
    const text = this.logs.get(`${namespace}/${name}/${options.container}`) ?? '';
    return Promise.resolve(Readable.from([Buffer.from(text)], { objectMode: false }));
  }

  openExec(): Promise<ExecChannel> {
    return Promise.reject(new ApiError(501, 'Internal', 'exec is not built yet'));
  }

  deletePod(namespace: string, name: string, options: DeleteOptions): Promise<void> {
    this.calls.push({ method: 'deletePod', args: [namespace, name, options] });
    if (!this.pods.has(`${namespace}/${name}`))
      return Promise.reject(ApiError.notFound(`pod "${name}" not found in namespace "${namespace}"`));
    this.remove(namespace, name);
    return Promise.resolve();
  }

  watchPods(
    resourceVersion: string,
    onEvent: (event: PodWatchEvent) => void,
    signal: AbortSignal,
    onOpen?: () => void,
  ): Promise<void> {
    this.calls.push({ method: 'watchPods', args: [resourceVersion] });
    const failure = this.failures.watchPods.shift();
    if (failure) return Promise.reject(failure);
    return new Promise((resolve, reject) => {
      const watcher: Watcher = {
        from: Number(resourceVersion) || 0,
        onEvent,
        end: (error) => {
          this.watchers.delete(watcher);
          signal.removeEventListener('abort', onAbort);
          if (error) reject(error);
          else resolve();
        },
      };
      const onAbort = () => watcher.end(new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      this.watchers.add(watcher);
      onOpen?.();
    });
  }

  listNamespaces(_options: ListOptions): Promise<KubeList<KubeNamespace>> {
    const names = [...new Set([...this.pods.values()].map((pod) => pod.metadata.namespace ?? ''))];
    return Promise.resolve({
      metadata: {},
      items: names.map((name) => ({ metadata: { name }, status: { phase: 'Active' } })),
    });
  }

  listCoreEvents(): Promise<KubeList<KubeCoreEvent>> {
    return Promise.resolve({ metadata: {}, items: [] });
  }

  listEventsV1(): Promise<KubeList<KubeEventV1>> {
    return Promise.resolve({ metadata: {}, items: [] });
  }

  close(): void {
    this.endWatches(new Error('closed'));
  }

  private broadcast(event: PodWatchEvent): void {
    const revision = Number((event.object as KubePod).metadata?.resourceVersion);
    for (const watcher of [...this.watchers]) if (revision > watcher.from) watcher.onEvent(event);
  }
}

export { ResourceVersionTooLargeError, WatchExpiredError };
