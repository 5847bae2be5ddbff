import { Readable } from 'node:stream';
import { ApiError } from '../../src/common/errors/api-error.js';
import type { KubeCoreEvent, KubeList, KubeNamespace, KubePod } from '../../src/common/kube/kube-objects.js';
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
  type ExecExit,
  type ExecOptions,
  type PodWatchEvent,
  type ImpersonationHeaders,
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
  private execHandler?: (process: FakeExecProcess) => void | Promise<void>;
  /** Every process `openExec` started, in order. */
  readonly execs: FakeExecProcess[] = [];
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

  /**
   * Serves `openExec` with a scripted process: `handler` gets each one before the opening resolves, and may throw
   * an `ApiError` to refuse it as the API server would (404, 403 …), print a prompt, or keep the process to drive
   * it later (`fake.execs` holds every process opened). A missing pod is refused with 404 before the handler runs.
   *
   *   kube.withPods(aPod('web-0').running().build()).withExec((process) => {
   *     process.print('/ # ');
   *     process.onInput = (text) => text === 'exit 3\r' && process.exit(3);
   *   });
   */
  withExec(handler: (process: FakeExecProcess) => void | Promise<void>): this {
    this.execHandler = handler;
    return this;
  }

  async openExec(namespace: string, name: string, options: ExecOptions, signal: AbortSignal): Promise<ExecChannel> {
    this.calls.push({ method: 'openExec', args: [namespace, name, options] });
    if (signal.aborted)
      throw new ApiError(502, 'ClusterUnreachable', 'the opening was aborted', undefined, 'transport');
    if (!this.pods.has(`${namespace}/${name}`))
      throw ApiError.notFound(`pod "${name}" not found in namespace "${namespace}"`);
    if (!this.execHandler) throw new Error('FakeKubeApi: call withExec() before openExec()');
    const process = new FakeExecProcess(namespace, name, options);
    await this.execHandler(process);
    this.execs.push(process);
    return process.channel;
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

  /** Records the headers as a call (so a test sees which calls came after it) and answers with this same API. */
  impersonating(headers: ImpersonationHeaders): KubeApi {
    this.calls.push({ method: 'impersonating', args: [headers] });
    return this;
  }

  close(): void {
    this.endWatches(new Error('closed'));
    for (const process of this.execs) process.channel.close();
  }

  private broadcast(event: PodWatchEvent): void {
    const revision = Number((event.object as KubePod).metadata?.resourceVersion);
    for (const watcher of [...this.watchers]) if (revision > watcher.from) watcher.onEvent(event);
  }
}

/**
 * A process behind `FakeKubeApi.openExec`, driven by the test: what it prints and how it ends (`print`, `exit`,
 * `fail`), what it was sent (`input`, `resizes`, `onInput`), and whether the service hung up (`closed`). Its
 * `channel` behaves like the real one: `exited` settles once the process has ended and its output has been read to
 * the end (or at once on `close()`), and input after the end is dropped.
 */
export class FakeExecProcess {
  readonly channel: ExecChannel;
  /** Everything written to stdin, in order. */
  readonly input: Buffer[] = [];
  readonly resizes: { cols: number; rows: number }[] = [];
  /** Called with each input as text, e.g. to answer a command. */
  onInput?: (text: string) => void;
  /** The service called `close()` before the process ended. */
  closed = false;
  private ended = false;
  private inputHeld = false;
  private drainWaiters: (() => void)[] = [];
  private settle!: (exit: ExecExit) => void;

  constructor(
    readonly namespace: string,
    readonly pod: string,
    readonly options: ExecOptions,
    protocol = 'v5.channel.k8s.io',
  ) {
    const output = new Readable({
      highWaterMark: 64 * 1024,
      read: () => undefined,
      // A reader that gives up on the output ends the session, as with the real channel.
      destroy: (error, callback) => {
        if (!output.readableEnded) this.channel.close();
        callback(error);
      },
    });
    const result = new Promise<ExecExit>((resolve) => (this.settle = resolve));
    const read = new Promise<void>((resolve) => output.once('close', resolve));
    this.channel = {
      protocol,
      output,
      exited: Promise.all([result, read]).then(([exit]) => exit),
      write: (data) => {
        if (this.ended || this.closed) return true;
        this.input.push(Buffer.from(data));
        this.onInput?.(data.toString('utf8'));
        return !this.inputHeld;
      },
      drained: () => (this.inputHeld ? new Promise((resolve) => this.drainWaiters.push(resolve)) : Promise.resolve()),
      resize: (cols, rows) => void this.resizes.push({ cols, rows }),
      close: () => {
        if (this.ended || this.closed) return;
        this.closed = true;
        this.end({
          kind: 'failed',
          error: new ApiError(502, 'ClusterUnreachable', 'the terminal was closed before its process ended'),
        });
        output.destroy();
      },
    };
  }

  /** Everything written to stdin, as text. */
  get inputText(): string {
    return Buffer.concat(this.input).toString('utf8');
  }

  /** The process writes to its terminal; false once the reader has fallen behind (above 64 KiB unread). */
  print(data: string | Buffer): boolean {
    if (this.ended) return false;
    return this.channel.output.push(typeof data === 'string' ? Buffer.from(data) : data);
  }

  /** The process exits with `code` (after the output printed so far). */
  exit(code: number): void {
    this.end({ kind: 'exited', code });
  }

  /** The session fails: the runtime's refusal after the upgrade (409 container not running), a broken connection. */
  fail(error: ApiError): void {
    this.end({ kind: 'failed', error });
  }

  /** While held, `write()` answers false and `drained()` waits, as with an upstream that does not read. */
  holdInput(held = true): void {
    this.inputHeld = held;
    if (held) return;
    for (const wake of this.drainWaiters.splice(0)) wake();
  }

  private end(exit: ExecExit): void {
    if (this.ended) return;
    this.ended = true;
    this.channel.output.push(null);
    this.settle(exit);
    for (const wake of this.drainWaiters.splice(0)) wake();
  }
}

export { ResourceVersionTooLargeError, WatchExpiredError };
