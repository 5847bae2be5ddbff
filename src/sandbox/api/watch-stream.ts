import type { ServerResponse } from 'node:http';
import type { KubeStatus } from '../../common/kube/kube-objects.js';
import type { Clock } from '../clock.js';
import { apiHeaders, ChunkedWriter } from '../http/responses.js';
import { KubeStatusError } from '../kube-status-error.js';
import type { ChangeEvent, ObjectCollection, StoredObject, StoreWatcher } from '../store/object-store.js';
import type { ListOptions } from './list-options.js';
import { matchesSelectors } from './list-query.js';
import type { ObjectView } from './object-view.js';

export interface WatchTimings {
  /** How often a watch that allows bookmarks gets one (a real API server: about every minute). */
  bookmarkIntervalMs: number;
  /** A watch whose client reads too slowly is closed once this much is buffered (the cacher drops slow watchers). */
  maxBufferedBytes: number;
}

type LineType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/**
 * One `?watch=1` response: a chunked stream of JSON lines `{"type":…,"object":…}`, as the API server's watch cache
 * serves it (staging/src/k8s.io/apiserver/pkg/storage/cacher): initial ADDED events when no resourceVersion is
 * given, replay of the kept history from a resourceVersion, an ERROR event with a 410 `Expired` Status when that
 * history is gone, selector transitions as ADDED/DELETED, periodic BOOKMARKs, and `timeoutSeconds`. The streaming
 * list (`sendInitialEvents=true`, KEP-3157) sends the state as of one snapshot no older than the resourceVersion,
 * then a BOOKMARK at the snapshot's version annotated `k8s.io/initial-events-end` when bookmarks are allowed.
 *
 * A resourceVersion past the current one (a client that followed another state of the cluster) is treated as the
 * watch cache treats it: a watch-list (`sendInitialEvents`) gets an ERROR event with 504 "Too large resource
 * version" (cacher.go waitUntilWatchCacheFreshAndForceAllEvents); a plain watch is accepted and gets nothing, not
 * even a bookmark, until the state passes that version (cache_watcher.go process sends only newer events).
 */
export class WatchStream implements StoreWatcher {
  readonly namespace?: string;
  private unregister?: () => void;
  private queued: ChangeEvent[] | undefined = [];
  private closed = false;
  private tableHeadersSent = false;
  private readonly timers: NodeJS.Timeout[] = [];
  /** Nothing at or below this resourceVersion is sent (the version the watch starts from). */
  private floor = 0;

  constructor(
    private readonly res: ServerResponse,
    private readonly collection: ObjectCollection,
    private readonly view: ObjectView,
    namespace: string | undefined,
    private readonly options: ListOptions,
    private readonly clock: Clock,
    private readonly timings: WatchTimings,
    private readonly currentRv: () => number,
    private readonly onClose: (watch: WatchStream) => void,
  ) {
    this.namespace = namespace;
  }

  async start(): Promise<void> {
    this.res.writeHead(200, { ...apiHeaders(this.view.contentType), 'Transfer-Encoding': 'chunked' });
    // A client must see the 200 before the first event, which may come much later.
    this.res.flushHeaders();
    this.res.once('close', () => this.close('gone'));
    const { resourceVersion } = this.options;
    const fromNow = resourceVersion === undefined || resourceVersion === '' || resourceVersion === '0';
    const requested = fromNow ? 0 : Number(resourceVersion);
    if (this.options.sendInitialEvents && requested > this.currentRv()) {
      // The API server first waits up to 3 s for its watch cache to catch up with etcd; this store never lags.
      this.writeLine(
        'ERROR',
        JSON.stringify(KubeStatusError.tooLargeResourceVersion(requested, this.currentRv()).status),
      );
      this.close('end');
      return;
    }
    // A legacy watch from no version gets the current state first; `sendInitialEvents` says so explicitly, and
    // `false` starts from the version (the current one when none is given) without it (cacher.go
    // getStartResourceVersionForWatchLockedFunc).
    const sendInitial = this.options.sendInitialEvents ?? fromNow;
    let initial: StoredObject[] = [];
    if (sendInitial) {
      initial = [...this.collection.values(this.namespace)].filter((stored) => matchesSelectors(stored, this.options));
    } else if (fromNow) {
      this.floor = this.currentRv();
    } else {
      if (Number.isFinite(requested)) this.floor = requested;
      const history = this.collection.changesSince(Number.isFinite(requested) ? requested : 0);
      if (history.expired) {
        this.writeLine('ERROR', expiredStatus(requested, history.oldest - 1));
        this.close('end');
        return;
      }
      for (const event of history.events) this.deliver(event);
    }
    // Registered before the initial state is written: changes made meanwhile wait in `queued` and follow it.
    this.unregister = this.collection.watch(this);
    this.startTimers();
    const snapshotRv = this.currentRv();
    if (initial.length > 0) {
      const writer = new ChunkedWriter(this.res, 64 * 1024);
      for (const stored of initial) {
        if (
          !(await writer.push(
            this.line('ADDED', this.view.watchObjectJson(stored, this.clock.now(), this.takeTableHeaders())),
          ))
        )
          return;
      }
      await writer.flush();
    }
    // The end of the initial events, at the snapshot's version (never older than the one asked for: this store is
    // never behind), so that a reflector knows its state is complete (KEP-3157).
    if (this.options.sendInitialEvents && this.options.allowWatchBookmarks) {
      this.writeLine('BOOKMARK', this.view.bookmarkJson(snapshotRv, { 'k8s.io/initial-events-end': 'true' }));
    }
    const queued = this.queued ?? [];
    this.queued = undefined;
    for (const event of queued) this.deliver(event);
  }

  notify(event: ChangeEvent): void {
    if (this.queued) this.queued.push(event);
    else this.deliver(event);
  }

  /** Ends the stream: `end` finishes it cleanly, `destroy` cuts the connection as a network failure would. */
  close(mode: 'end' | 'destroy' | 'gone'): void {
    if (this.closed) return;
    this.closed = true;
    this.unregister?.();
    for (const timer of this.timers) clearTimeout(timer);
    if (mode === 'end' && !this.res.destroyed) this.res.end();
    if (mode === 'destroy') this.res.destroy();
    this.onClose(this);
  }

  private deliver(event: ChangeEvent): void {
    if (this.closed || event.object.rv <= this.floor) return;
    const now = matchesSelectors(event.object, this.options);
    const before = event.previous ? matchesSelectors(event.previous, this.options) : false;
    switch (event.type) {
      case 'ADDED':
        if (now) this.writeObject('ADDED', event.object);
        break;
      case 'MODIFIED':
        if (now && before) this.writeObject('MODIFIED', event.object);
        else if (now) this.writeObject('ADDED', event.object);
        else if (before && event.previous)
          this.writeObject('DELETED', {
            ...event.previous,
            rv: event.object.rv,
            json: withResourceVersion(event.previous.json, event.object.rv),
          });
        break;
      case 'DELETED':
        if (before || now) this.writeObject('DELETED', event.object);
        break;
    }
  }

  private writeObject(type: LineType, stored: StoredObject): void {
    this.writeLine(type, this.view.watchObjectJson(stored, this.clock.now(), this.takeTableHeaders()));
  }

  private writeLine(type: LineType, objectJson: string): void {
    if (this.closed || this.res.destroyed) return;
    this.res.write(this.line(type, objectJson));
    if (this.res.writableLength > this.timings.maxBufferedBytes) this.close('destroy');
  }

  private line(type: LineType, objectJson: string): string {
    return `{"type":"${type}","object":${objectJson}}\n`;
  }

  // A watch of Tables carries the column definitions on its first event only (watchEmbeddedEncoder).
  private takeTableHeaders(): boolean {
    if (this.tableHeadersSent) return false;
    this.tableHeadersSent = true;
    return true;
  }

  private startTimers(): void {
    const timeoutSeconds = this.options.timeoutSeconds ?? 1800 * (1 + Math.random());
    this.timers.push(setTimeout(() => this.close('end'), timeoutSeconds * 1000));
    if (this.options.allowWatchBookmarks) {
      // A bookmark is never older than the version the watch started from. The API server sends one only past that
      // version; one at it is sent here too, so that a simulator nobody writes to still shows a live watch, as the
      // ever-moving etcd revision behind a real cluster's bookmarks does.
      const interval = setInterval(() => {
        const rv = this.currentRv();
        if (!this.queued && rv >= this.floor) this.writeLine('BOOKMARK', this.view.bookmarkJson(rv));
      }, this.timings.bookmarkIntervalMs);
      this.timers.push(interval);
    }
  }
}

function expiredStatus(requested: number, oldest: number): string {
  const status: KubeStatus = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `too old resource version: ${Number.isFinite(requested) ? requested : 0} (${oldest})`,
    reason: 'Expired',
    code: 410,
  };
  return JSON.stringify(status);
}

// An object that stopped matching the selectors leaves the watch as DELETED, carrying its last matching state at
// the new resourceVersion (cacher watchCacheEvent handling).
function withResourceVersion(json: string, rv: number): string {
  const object = JSON.parse(json) as { metadata: { resourceVersion?: string } };
  object.metadata.resourceVersion = String(rv);
  return JSON.stringify(object);
}
