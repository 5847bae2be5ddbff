import { aPod } from '../../test/helpers/pod-builder.js';
import { FakeKubeApi, WatchExpiredError } from '../../test/fakes/fake-kube-api.js';
import { ApiError } from '../common/errors/api-error.js';
import { Backoff } from '../common/timing/backoff.js';
import { PodCache, trim, type PodChange } from './pod-cache.js';

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe(PodCache.name, () => {
  let kube: FakeKubeApi;
  let cache: PodCache;
  let changes: PodChange[];
  let delays: number[];
  let gate: Promise<void>;

  beforeEach(() => {
    kube = new FakeKubeApi().withPods(
      aPod('web-0').inNamespace('shop').running().build(),
      aPod('web-1').inNamespace('shop').running().build(),
      aPod('job-1').inNamespace('batch').completed().build(),
    );
    delays = [];
    gate = Promise.resolve();
    cache = new PodCache(kube, {
      clusterId: 'test',
      listPageSize: 2,
      backoff: new Backoff(1000, 30_000, () => 1),
      delay: (ms) => {
        delays.push(ms);
        return gate;
      },
    });
    changes = [];
    cache.subscribe((change) => changes.push(change));
  });
  afterEach(async () => {
    await cache.stop();
  });

  it('lists in pages, then watches from the list resourceVersion', async () => {
    cache.start();
    await expect(cache.waitForSync(1000)).resolves.toBe(true);
    expect(cache.size).toBe(3);
    expect(kube.calls.filter((call) => call.method === 'listPods')).toHaveLength(2);
    await until(() => kube.openWatches === 1, 'the watch');
    expect(kube.calls.at(-1)).toEqual({ method: 'watchPods', args: [kube.currentRevision] });
    expect(changes.map((change) => `${change.type} ${change.pod.metadata.name}`)).toEqual([
      'added web-0',
      'added web-1',
      'added job-1',
    ]);
  });

  it('applies a large list in slices, letting other work run in between', async () => {
    const pods = Array.from({ length: 40 }, (_, i) => aPod(`p-${i}`).inNamespace('big').running().build());
    const big = new PodCache(new FakeKubeApi().withPods(...pods), { clusterId: 'big', listPageSize: 500 });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    let ticksSeen = -1;
    big.subscribe(() => {
      const until = performance.now() + 2; // each change costs 2 ms to its listener: 80 ms in all
      while (performance.now() < until);
      if (ticksSeen < 0) ticksSeen = ticks;
    });
    big.start();
    await expect(big.waitForSync(5000)).resolves.toBe(true);
    clearInterval(ticker);
    expect(big.size).toBe(40);
    expect(ticks - ticksSeen).toBeGreaterThanOrEqual(2); // timers ran while the list was applied
    await big.stop();
  });

  it('follows watch events and bookmarks', async () => {
    cache.start();
    await until(() => kube.openWatches === 1, 'the watch');
    kube.put(aPod('web-2').inNamespace('shop').pending().build());
    kube.put(aPod('web-0').inNamespace('shop').crashLooping(3).build());
    kube.remove('batch', 'job-1');
    kube.bookmark();
    expect(changes.slice(3).map((change) => `${change.type} ${change.pod.metadata.name}`)).toEqual([
      'added web-2',
      'modified web-0',
      'deleted job-1',
    ]);
    expect(changes[4].previous?.status?.phase).toBe('Running');
    expect(cache.get('batch', 'job-1')).toBeUndefined();
    expect(cache.get('shop', 'web-0')?.metadata.resourceVersion).toBe(
      kube.snapshot().find((pod) => pod.metadata.name === 'web-0')?.metadata.resourceVersion,
    );
    expect(cache.resourceVersion).toBe(kube.currentRevision);
  });

  it('re-lists at once after 410 Gone and reports what disappeared meanwhile', async () => {
    cache.start();
    await until(() => kube.openWatches === 1, 'the watch');
    kube.remove('shop', 'web-1', false); // missed while the watch was gone
    kube.put(aPod('web-3').inNamespace('shop').running().build(), false);
    kube.endWatches(new WatchExpiredError());
    await until(
      () => kube.openWatches === 1 && cache.size === 3 && cache.get('shop', 'web-3') !== undefined,
      're-list',
    );
    expect(changes.slice(3).map((change) => `${change.type} ${change.pod.metadata.name}`)).toEqual([
      'deleted web-1',
      'added web-3',
    ]);
    expect(delays).toEqual([]);
  });

  it('backs off after a failure, marks itself unsynced, and resumes the watch from the last resourceVersion', async () => {
    cache.start();
    await until(() => kube.openWatches === 1, 'the watch');
    const versionBefore = cache.resourceVersion;
    kube.failures.watchPods.push(
      new ApiError(502, 'ClusterUnreachable', 'cluster "test" answered 500'),
      new ApiError(502, 'ClusterUnreachable', 'cluster "test" answered 500'),
    );
    kube.endWatches(new ApiError(502, 'ClusterUnreachable', 'cluster "test" could not be reached: connection lost'));
    await until(() => delays.length === 3 && kube.openWatches === 1, 'the retries');
    expect(delays).toEqual([1000, 2000, 4000]);
    expect(kube.calls.filter((call) => call.method === 'listPods')).toHaveLength(2); // no re-list
    expect(kube.calls.at(-1)).toEqual({ method: 'watchPods', args: [versionBefore] });
    expect(cache.synced).toBe(true);
  });

  it('reports why it is not synced while the cluster fails', async () => {
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    kube.failures.listPods.push(
      new ApiError(502, 'ClusterUnreachable', 'cluster "test" could not be reached: connection refused'),
    );
    cache.start();
    await until(() => delays.length === 1, 'the first retry');
    expect(cache.synced).toBe(false);
    expect(cache.failure?.message).toBe('cluster "test" could not be reached: connection refused');
    open();
    await expect(cache.waitForSync(1000)).resolves.toBe(true);
    expect(cache.failure).toBeUndefined();
  });

  it('wakes those waiting for its first sync as soon as its list fails', async () => {
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve)); // no retry until the end of the test
    kube.failures.listPods.push(
      new ApiError(502, 'ClusterUnreachable', 'cluster "test" could not be reached: connection refused'),
    );
    const waiting = cache.waitForSync(60_000);
    cache.start();
    const started = Date.now();
    await expect(waiting).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(cache.failure?.reason).toBe('ClusterUnreachable');
    open();
  });

  it('stops its watch', async () => {
    cache.start();
    await until(() => kube.openWatches === 1, 'the watch');
    await cache.stop();
    expect(kube.openWatches).toBe(0);
    expect(cache.synced).toBe(false);
  });
});

describe(trim.name, () => {
  it('drops managedFields and the last-applied-configuration annotation, keeping the rest', () => {
    const pod = aPod('web-0')
      .withAnnotations({ 'kubectl.kubernetes.io/last-applied-configuration': '{"huge":true}', team: 'shop' })
      .build();
    pod.metadata.managedFields = [{ manager: 'kubectl' }];
    const trimmed = trim(pod);
    expect(trimmed.metadata.managedFields).toBeUndefined();
    expect(trimmed.metadata.annotations).toEqual({ team: 'shop' });
    expect(trimmed.spec).toBe(pod.spec);
    expect(pod.metadata.managedFields).toHaveLength(1); // the input is left alone
  });
});

describe('PodCache history', () => {
  it('replays the changes after a resourceVersion it passed, and knows nothing from before a re-list', async () => {
    const kube = new FakeKubeApi().withPods(aPod('a').running().build());
    const cache = new PodCache(kube, { clusterId: 'test', delay: () => Promise.resolve() });
    cache.start();
    await until(() => kube.openWatches === 1, 'the watch');
    const listed = cache.resourceVersion;
    kube.put(aPod('b').running().build());
    const afterB = cache.resourceVersion;
    kube.bookmark();
    const bookmark = cache.resourceVersion;
    kube.put(aPod('a').crashLooping().build());
    kube.remove('default', 'b');
    expect(cache.changesSince(listed)?.map((change) => `${change.type} ${change.pod.metadata.name}`)).toEqual([
      'added b',
      'modified a',
      'deleted b',
    ]);
    expect(cache.changesSince(afterB)?.map((change) => change.type)).toEqual(['modified', 'deleted']);
    expect(cache.changesSince(bookmark)?.map((change) => change.type)).toEqual(['modified', 'deleted']);
    expect(cache.changesSince(cache.resourceVersion)).toEqual([]);
    expect(cache.changesSince('1')).toBeUndefined();
    kube.endWatches(new WatchExpiredError());
    await until(() => kube.openWatches === 1, 're-list');
    expect(cache.changesSince(listed)).toBeUndefined();
    await cache.stop();
  });
});
