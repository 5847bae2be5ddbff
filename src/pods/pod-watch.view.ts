import { keyOfPod, type PodChange } from '../clusters/pod-cache.js';
import type { KubePod } from '../common/kube/kube-objects.js';
import type { PodWatchChangeMessage } from './dto/pod-watch.messages.js';
import { toPodSummary } from './dto/pod-summary.dto.js';

interface Pending {
  /** The pod's latest state (for a deletion: as last seen). */
  pod: KubePod;
  /** Whether that state belongs in the view. */
  inView: boolean;
  resourceVersion: string;
  /** For replayed changes: whether the client had the pod before them (else: what was last sent). */
  before?: boolean;
}

export interface PodWatchViewOptions {
  /** At most one message per pod per this many milliseconds. */
  coalesceMs: number;
  /** Hold messages while the client has not read this much yet (the pending set keeps only latest states). */
  isCongested?: () => boolean;
  now?: () => number;
}

/**
 * The client's view of a filtered pod list, kept current from the cache's changes (api.md §3.7): a pod whose new
 * state no longer matches is `deleted` from the view, one that starts matching is `added`. Bursts are coalesced:
 * changes wait in a pending set (latest state per pod) that is flushed at most once per `coalesceMs`, so no pod gets
 * more than one message per interval.
 *
 * Messages of a flush go out in the order of their pods' latest changes, each carrying that change's
 * resourceVersion: every earlier change is then either delivered or superseded by a later one that a resume from
 * that resourceVersion replays.
 */
export class PodWatchView {
  private readonly present = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly now: () => number;

  constructor(
    private readonly matches: (pod: KubePod) => boolean,
    private readonly send: (message: PodWatchChangeMessage) => void,
    private readonly options: PodWatchViewOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The pods the client has (after a snapshot, or what it will have after a replay). */
  start(present: Iterable<string>): void {
    for (const key of present) this.present.add(key);
  }

  /** Changes the client missed: each pod's messages say how its state moved from before them to now. */
  replay(changes: readonly PodChange[]): void {
    for (const change of changes) {
      const key = keyOfPod(change.pod);
      const before = this.pending.get(key)?.before ?? (change.previous !== undefined && this.matches(change.previous));
      this.enqueue(key, change, before);
    }
    this.flush();
  }

  onChange(change: PodChange): void {
    if (this.stopped) return;
    this.enqueue(keyOfPod(change.pod), change);
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private enqueue(key: string, change: PodChange, before?: boolean): void {
    const inView = change.type !== 'deleted' && this.matches(change.pod);
    // Re-inserted so the map keeps pods in the order of their latest change.
    this.pending.delete(key);
    this.pending.set(key, {
      pod: change.pod,
      inView,
      resourceVersion: change.resourceVersion,
      ...(before === undefined ? {} : { before }),
    });
  }

  private schedule(): void {
    if (this.timer || this.pending.size === 0) return;
    const wait = Math.max(0, this.lastFlushAt + this.options.coalesceMs - this.now());
    // Even without waiting, flush after the current task, so one burst of changes goes out as one flush.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private flush(): void {
    if (this.stopped) return;
    if (this.options.isCongested?.()) {
      this.lastFlushAt = this.now(); // try again one interval later; pending keeps only the latest states
      this.schedule();
      return;
    }
    this.lastFlushAt = this.now();
    const batch = [...this.pending];
    this.pending.clear();
    for (const [key, pending] of batch) {
      const before = pending.before ?? this.present.has(key);
      const type = pending.inView ? (before ? 'modified' : 'added') : before ? 'deleted' : undefined;
      if (pending.inView) this.present.add(key);
      else this.present.delete(key);
      if (type) this.send({ type, pod: toPodSummary(pending.pod), resourceVersion: pending.resourceVersion });
    }
  }
}
