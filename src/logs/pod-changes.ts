import type { PodCache } from '../clusters/pod-cache.js';
import type { KubePod } from '../common/kube/kube-objects.js';

/**
 * One pod's changes as a cluster's watch-fed pod cache sees them, to wait on one at a time. Only the latest state is
 * kept: a waiter wants the pod as it is, not each step it went through. Listens from construction on; `close()`
 * stops listening.
 */
export class PodChanges {
  private latest?: { pod: KubePod | undefined };
  private wake?: () => void;
  private readonly unsubscribe: () => void;

  constructor(cache: Pick<PodCache, 'subscribe'>, namespace: string, name: string) {
    this.unsubscribe = cache.subscribe((change) => {
      const { metadata } = change.pod;
      if (metadata.name !== name || metadata.namespace !== namespace) return;
      this.latest = { pod: change.type === 'deleted' ? undefined : change.pod };
      this.wake?.();
    });
  }

  /**
   * The pod's state after its next change (or the one already seen since the last call); `undefined` once it was
   * deleted. Rejects with the signal's reason when `signal` aborts first.
   */
  next(signal: AbortSignal): Promise<KubePod | undefined> {
    return new Promise((resolve, reject) => {
      const take = (): boolean => {
        if (!this.latest) return false;
        const { pod } = this.latest;
        this.latest = undefined;
        done();
        resolve(pod);
        return true;
      };
      const abort = () => {
        done();
        reject(signal.reason as Error);
      };
      const done = () => {
        this.wake = undefined;
        signal.removeEventListener('abort', abort);
      };
      if (signal.aborted) return abort();
      if (take()) return;
      this.wake = take;
      signal.addEventListener('abort', abort, { once: true });
    });
  }

  close(): void {
    this.unsubscribe();
  }
}
