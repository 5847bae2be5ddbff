import type { KubePod } from '../../src/common/kube/kube-objects.js';
import { FAST_TIMINGS, SandboxServer, type ChurnCounts } from '../../src/sandbox/sandbox-server.js';
import { eventually } from '../helpers/eventually.js';
import { call, WatchReader } from './sandbox-api-client.js';

jest.setTimeout(60_000);

type PodList = { items: KubePod[]; metadata: { resourceVersion: string } };

const keyOf = (pod: { metadata?: { namespace?: string; name?: string } }) =>
  `${pod.metadata?.namespace}/${pod.metadata?.name}`;

/** The scale mode's churn as a client sees it: over the wire, through LIST and WATCH. */
describe('scale mode churn', () => {
  let server: SandboxServer;

  beforeAll(async () => {
    server = await SandboxServer.start({
      seed: 'empty',
      pods: 200,
      liveLimit: 10,
      timings: FAST_TIMINGS,
      churn: { perSecond: 500, seed: 1 },
    });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('reaches a watch as MODIFIED, ADDED and DELETED events, and the watched state equals a later LIST', async () => {
    const first = (await call<PodList>(server, '/api/v1/pods')).body;
    const watched = new Map(first.items.map((pod) => [keyOf(pod), pod.metadata.resourceVersion]));
    const watch = await WatchReader.open(
      server,
      `/api/v1/pods?watch=1&allowWatchBookmarks=true&resourceVersion=${first.metadata.resourceVersion}`,
    );
    try {
      expect(watch.status).toBe(200);
      await eventually(
        () => {
          const types = new Set(watch.events.map((event) => event.type));
          for (const type of ['MODIFIED', 'ADDED', 'DELETED']) expect(types).toContain(type);
        },
        { timeoutMs: 20_000 },
      );
      const stats = (await call<{ churn: ChurnCounts }>(server, '/sandbox/stats')).body;
      expect(stats.churn.status).toBeGreaterThan(0);
      expect(stats.churn.added).toBeGreaterThan(0);
      expect(stats.churn.deleted).toBeGreaterThan(0);

      // A LIST taken while the churn goes on; the watch has seen its version once an event (or bookmark) passes it.
      const later = (await call<PodList>(server, '/api/v1/pods')).body;
      const at = Number(later.metadata.resourceVersion);
      const version = (event: WatchReader['events'][number]) => Number(event.object.metadata?.resourceVersion);
      await eventually(() => expect(watch.events.some((event) => version(event) >= at)).toBe(true), {
        timeoutMs: 20_000,
      });
      for (const event of watch.events) {
        if (event.type === 'BOOKMARK' || version(event) > at) continue;
        if (event.type === 'DELETED') watched.delete(keyOf(event.object));
        else watched.set(keyOf(event.object), event.object.metadata?.resourceVersion);
      }
      expect(watch.error).toBeUndefined();
      expect(watch.events.filter((event) => event.type === 'ERROR')).toEqual([]);
      expect(Object.fromEntries(watched)).toEqual(
        Object.fromEntries(later.items.map((pod) => [keyOf(pod), pod.metadata.resourceVersion])),
      );
    } finally {
      watch.close();
    }
  });

  it('refuses a churn without generated pods, or at a rate out of range', async () => {
    await expect(SandboxServer.start({ seed: 'empty', churn: { perSecond: 10 } })).rejects.toThrow(
      'churn needs pods (the scale mode): it changes the generated pods',
    );
    await expect(SandboxServer.start({ pods: 10, churn: { perSecond: -1 } })).rejects.toThrow(
      'churn.perSecond: a number from 0 to 100000, not -1',
    );
  });
});
