import { eventually } from '../../test/helpers/eventually.js';
import { aPod } from '../../test/helpers/pod-builder.js';
import { FakeKubeApi, ResourceVersionTooLargeError, WatchExpiredError } from '../../test/fakes/fake-kube-api.js';
import type { KubePod } from '../common/kube/kube-objects.js';
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

const connectionLost = () =>
  new ApiError(
    502,
    'ClusterUnreachable',
    'cluster "test" could not be reached: connection lost',
    undefined,
    'transport',
  );

function atVersion(pod: KubePod, resourceVersion: string): KubePod {
  return { ...pod, metadata: { ...pod.metadata, resourceVersion } };
}

function names(cache: PodCache): string[] {
  return [...cache.values()].map((pod) => pod.metadata.name ?? '').sort();
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
      watchIdleTimeoutMs: 60_000,
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

  const fullLists = () =>
    kube.calls.filter((call) => call.method === 'listPods' && (call.args[0] as { limit?: number }).limit !== 1);
  const checks = () =>
    kube.calls.filter((call) => call.method === 'listPods' && (call.args[0] as { limit?: number }).limit === 1);

  it('backs off after a lost connection, and resumes from its resourceVersion once the server confirms it has it', async () => {
    cache.start();
    await until(() => kube.openWatches === 1, 'the watch');
    const versionBefore = cache.resourceVersion;
    kube.failures.watchPods.push(connectionLost(), connectionLost());
    kube.endWatches(connectionLost());
    await until(() => delays.length === 3 && kube.openWatches === 1, 'the retries');
    expect(delays).toEqual([1000, 2000, 4000]);
    expect(fullLists()).toHaveLength(2); // no re-list
    expect(checks().map((call) => call.args[0])).toEqual(
      Array.from({ length: 3 }, () => ({
        limit: 1,
        resourceVersion: versionBefore,
        resourceVersionMatch: 'NotOlderThan',
      })),
    );
    expect(kube.calls.at(-1)).toEqual({ method: 'watchPods', args: [versionBefore] });
    expect(cache.synced).toBe(true);
  });

  it('lists again when the server comes back with its state reset and refuses the old resourceVersion', async () => {
    cache.start();
    await until(() => kube.openWatches === 1, 'the watch');
    kube.restart({ revision: 10, pods: [aPod('new-0').inNamespace('shop').running().build()] });
    await until(() => cache.synced && names(cache).join() === 'new-0', 'the re-list');
    expect(delays).toEqual([1000]); // the connection was lost: one wait, then the check that finds the reset
    expect(fullLists()).toHaveLength(3);
    expect(cache.resourceVersion).toBe(kube.currentRevision);
    expect(changes.slice(3).map((change) => `${change.type} ${change.pod.metadata.name}`)).toEqual([
      'deleted web-0',
      'deleted web-1',
      'deleted job-1',
      'added new-0',
    ]);
    await until(() => kube.openWatches === 1, 'the new watch');
    expect(kube.calls.at(-1)).toEqual({ method: 'watchPods', args: [kube.currentRevision] });
  });

  it.each([
    { what: 'a bookmark', event: { type: 'BOOKMARK', object: { metadata: { resourceVersion: '42' } } } },
    {
      what: 'an event',
      event: { type: 'ADDED', object: atVersion(aPod('elsewhere').inNamespace('shop').build(), '42') },
    },
  ] as const)('lists again at once, unsynced meanwhile, when $what goes back in resourceVersion', async ({ event }) => {
    cache.start();
    await until(() => kube.openWatches === 1, 'the watch');
    let syncedDuringRelist: boolean | undefined;
    cache.subscribe(() => (syncedDuringRelist ??= cache.synced));
    kube.remove('batch', 'job-1', false);
    kube.send(event as never);
    await until(() => kube.openWatches === 1 && fullLists().length === 3 && cache.synced, 're-list');
    expect(syncedDuringRelist).toBe(false);
    expect(names(cache)).toEqual(['web-0', 'web-1']);
    expect(cache.get('shop', 'elsewhere')).toBeUndefined();
    expect(delays).toEqual([]);
  });

  it('does not compare resourceVersions that are not decimal integers', async () => {
    cache.start();
    await until(() => kube.openWatches === 1, 'the watch');
    kube.send({ type: 'BOOKMARK', object: { metadata: { resourceVersion: 'opaque-1' } } as KubePod });
    kube.send({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '7' } } as KubePod });
    expect(cache.resourceVersion).toBe('7');
    expect(fullLists()).toHaveLength(2);
    expect(kube.openWatches).toBe(1);
  });

  it('lists again at once when the server refuses the watch for a resourceVersion past its state', async () => {
    cache.start();
    await until(() => kube.openWatches === 1, 'the watch');
    kube.endWatches(new ResourceVersionTooLargeError('Timeout: Too large resource version: 107, current: 12'));
    await until(() => kube.openWatches === 1 && fullLists().length === 4, 're-list');
    expect(delays).toEqual([]);
    expect(cache.synced).toBe(true);
  });

  it.each([
    { answer: new ApiError(502, 'ClusterUnreachable', 'cluster "test" answered 500 (InternalError)') },
    { answer: new ApiError(429, 'TooManyRequests', 'too many requests') },
    { answer: new ApiError(403, 'Forbidden', 'pods is forbidden') },
  ])('backs off, then lists again, when the server refuses the watch: $answer.message', async ({ answer }) => {
    cache.start();
    await until(() => kube.openWatches === 1, 'the watch');
    kube.failures.watchPods.push(answer, answer);
    kube.endWatches(answer);
    await until(() => delays.length === 3 && kube.openWatches === 1, 'the retries');
    expect(delays).toEqual([1000, 2000, 4000]);
    expect(fullLists()).toHaveLength(2 * 4); // a re-list of two pages before each watch: never the same version again
    expect(checks()).toEqual([]);
  });

  it('starts its back-off over once a watch delivers a line', async () => {
    cache.start();
    await until(() => kube.openWatches === 1, 'the watch');
    kube.endWatches(connectionLost()); // nothing delivered since it opened: a failure in a row
    await until(() => kube.openWatches === 1 && delays.length === 1, 'the first retry');
    kube.put(aPod('web-2').inNamespace('shop').running().build()); // a line: the watch is healthy
    kube.endWatches(connectionLost());
    await until(() => kube.openWatches === 1 && delays.length === 2, 'the second retry');
    kube.endWatches(connectionLost());
    await until(() => kube.openWatches === 1 && delays.length === 3, 'the third retry');
    expect(delays).toEqual([1000, 1000, 2000]);
  });

  it('watches again at once after a watch the server ended, and waits first when that watch delivered nothing', async () => {
    cache.start();
    await until(() => kube.openWatches === 1, 'the watch');
    kube.bookmark();
    kube.endWatches();
    await until(() => kube.openWatches === 1 && checks().length === 1, 'the second watch');
    expect(delays).toEqual([]);
    kube.endWatches();
    await until(() => kube.openWatches === 1 && checks().length === 2, 'the third watch');
    expect(delays).toEqual([1000]);
    expect(cache.synced).toBe(true);
  });

  it('does not check a resourceVersion it never had', async () => {
    const versionless = new FakeKubeApi().withPods(aPod('web-0').running().build());
    const list = versionless.listPods.bind(versionless);
    versionless.listPods = async (options) => {
      const page = await list(options);
      return { ...page, metadata: { ...page.metadata, resourceVersion: undefined } };
    };
    const quiet = new PodCache(versionless, { clusterId: 'test', delay: () => Promise.resolve() });
    quiet.start();
    await until(() => versionless.openWatches === 1, 'the watch');
    versionless.endWatches(connectionLost());
    await until(() => versionless.calls.filter((call) => call.method === 'watchPods').length === 2, 'the retry');
    expect(versionless.calls.map((call) => call.method)).toEqual(['listPods', 'watchPods', 'watchPods']);
    await quiet.stop();
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

describe('PodCache idle watch', () => {
  let kube: FakeKubeApi;
  let cache: PodCache;

  beforeEach(() => {
    kube = new FakeKubeApi().withPods(aPod('web-0').inNamespace('shop').running().build());
    cache = new PodCache(kube, { clusterId: 'test', watchIdleTimeoutMs: 50, delay: () => Promise.resolve() });
  });
  afterEach(async () => {
    await cache.stop();
  });

  const watchCalls = () => kube.calls.filter((call) => call.method === 'watchPods');

  it('takes a watch that delivers nothing for the idle timeout for dead, and watches again from the same version', async () => {
    cache.start();
    await until(() => kube.openWatches === 1, 'the watch');
    const version = cache.resourceVersion;
    await eventually(() => expect(watchCalls().length).toBeGreaterThanOrEqual(2), { timeoutMs: 2000 });
    expect(kube.calls.filter((call) => call.method === 'listPods').map((call) => call.args[0])).toEqual([
      { limit: 500, continueToken: undefined },
      { limit: 1, resourceVersion: version, resourceVersionMatch: 'NotOlderThan' },
      ...Array.from({ length: watchCalls().length - 2 }, () => expect.objectContaining({ limit: 1 })),
    ]);
    expect(watchCalls().every((call) => call.args[0] === version)).toBe(true);
  });

  it('keeps a watch that delivers lines more often than the idle timeout', async () => {
    await cache.stop();
    cache = new PodCache(kube, { clusterId: 'test', watchIdleTimeoutMs: 250, delay: () => Promise.resolve() });
    cache.start();
    await until(() => kube.openWatches === 1, 'the watch');
    const first = Number(cache.resourceVersion);
    const ticker = setInterval(() => kube.bookmark(), 10);
    try {
      // Sixty bookmarks ten milliseconds apart: two idle timeouts' worth of time, never one of silence.
      await eventually(() => expect(Number(cache.resourceVersion)).toBeGreaterThanOrEqual(first + 60), {
        timeoutMs: 5000,
      });
    } finally {
      clearInterval(ticker);
    }
    expect(watchCalls()).toHaveLength(1);
  });

  it('finds a server that came back reset and accepts the old resourceVersion in silence', async () => {
    cache.start();
    await until(() => kube.openWatches === 1, 'the watch');
    kube.restart({ revision: 10, pods: [aPod('new-0').running().build()], keepWatches: true });
    kube.put(aPod('new-1').running().build()); // below the old version: the open watch does not send it
    await eventually(() => expect(names(cache)).toEqual(['new-0', 'new-1']), { timeoutMs: 2000 });
    expect(cache.resourceVersion).toBe(kube.currentRevision);
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
