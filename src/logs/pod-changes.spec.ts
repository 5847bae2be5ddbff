import type { PodChange, PodChangeListener } from '../clusters/pod-cache.js';
import { aPod } from '../../test/helpers/pod-builder.js';
import { PodChanges } from './pod-changes.js';

/** A pod cache reduced to its listeners, fed by the test. */
class FeedCache {
  readonly listeners = new Set<PodChangeListener>();

  subscribe(listener: PodChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(type: PodChange['type'], pod: ReturnType<typeof aPod>): void {
    for (const listener of this.listeners) listener({ type, pod: pod.build(), resourceVersion: '1' });
  }
}

const web = () => aPod('web').inNamespace('shop');

describe(PodChanges.name, () => {
  it('resolves with the pod’s next state, ignoring other pods', async () => {
    const cache = new FeedCache();
    const changes = new PodChanges(cache, 'shop', 'web');
    const next = changes.next(new AbortController().signal);
    cache.emit('modified', aPod('web').inNamespace('other').running());
    cache.emit('modified', aPod('api').inNamespace('shop').running());
    cache.emit('modified', web().running());
    await expect(next).resolves.toMatchObject({
      metadata: { name: 'web', namespace: 'shop' },
      status: { phase: 'Running' },
    });
  });

  it('keeps the latest state of changes made while nobody waited', async () => {
    const cache = new FeedCache();
    const changes = new PodChanges(cache, 'shop', 'web');
    cache.emit('added', web().pending());
    cache.emit('modified', web().running());
    await expect(changes.next(new AbortController().signal)).resolves.toMatchObject({ status: { phase: 'Running' } });
    // Nothing changed since: the next wait is still pending when an already settled promise is seen.
    const waiting = changes.next(new AbortController().signal);
    await expect(Promise.race([waiting, Promise.resolve('still waiting')])).resolves.toBe('still waiting');
  });

  it('reports a deleted pod as undefined', async () => {
    const cache = new FeedCache();
    const changes = new PodChanges(cache, 'shop', 'web');
    const next = changes.next(new AbortController().signal);
    cache.emit('deleted', web().running());
    await expect(next).resolves.toBeUndefined();
  });

  it('stops waiting when the signal aborts, and listening when closed', async () => {
    const cache = new FeedCache();
    const changes = new PodChanges(cache, 'shop', 'web');
    const controller = new AbortController();
    const next = changes.next(controller.signal);
    controller.abort(new Error('replaced'));
    await expect(next).rejects.toThrow('replaced');
    changes.close();
    expect(cache.listeners.size).toBe(0);
  });
});
