/**
 * PodIndex following its source: every change moves a pod between buckets and sort positions; bursts of changes
 * (a re-list) are merged without a wrong answer in between; and, for many random pods, changes and queries, the
 * index answers exactly as the plain-array path does (pod-query.spec.ts holds the contract tables for both).
 */
import { aPod, containerState as is, type PodBuilder } from '../../test/helpers/pod-builder.js';
import { FakeKubeApi } from '../../test/fakes/fake-kube-api.js';
import { PodCache, type PodChange } from '../clusters/pod-cache.js';
import { parseFieldSelector, convertPodFieldLabel } from '../common/kube/field-selector.js';
import type { KubePod } from '../common/kube/kube-objects.js';
import { parseLabelSelector } from '../common/kube/label-selector.js';
import { JsonText } from '../common/envelope/json-text.js';
import { plainIndexedPod } from './indexed-pod.js';
import { PodIndex } from './pod-index.js';
import { podPageJson, podSummaryJson } from './pod-summary-json.js';
import {
  facetPodArray,
  POD_SORT_KEYS,
  queryPodArray,
  toPodSort,
  type PageRequest,
  type PodFilter,
  type PodQueryResult,
  type PodSort,
} from './pod-query.js';
import { mulberry32 } from '../common/mulberry32.js';

class TestSource {
  private readonly pods = new Map<string, KubePod>();
  private readonly listeners = new Set<(change: PodChange) => void>();

  constructor(...pods: KubePod[]) {
    for (const pod of pods) this.pods.set(keyOf(pod), pod);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  values(): IterableIterator<KubePod> {
    return this.pods.values();
  }

  snapshot(): KubePod[] {
    return [...this.pods.values()];
  }

  subscribe(listener: (change: PodChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  put(pod: KubePod): void {
    const previous = this.pods.get(keyOf(pod));
    this.pods.set(keyOf(pod), pod);
    this.emit({ type: previous ? 'modified' : 'added', pod, previous, resourceVersion: '1' });
  }

  remove(namespace: string, name: string): void {
    const previous = this.pods.get(`${namespace}/${name}`);
    if (!previous) return;
    this.pods.delete(`${namespace}/${name}`);
    this.emit({ type: 'deleted', pod: previous, previous, resourceVersion: '1' });
  }

  private emit(change: PodChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

function keyOf(pod: KubePod): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}

const EVERYTHING: PageRequest = { page: 1, pageSize: 500 };
const endOfTask = () => new Promise<void>((resolve) => setImmediate(resolve));

describe(PodIndex.name, () => {
  let source: TestSource;
  let index: PodIndex;
  const keys = (filter: PodFilter, sort: PodSort = toPodSort('name')) =>
    index.query(filter, sort, EVERYTHING).items.map((item) => item.key);

  beforeEach(() => {
    source = new TestSource(
      aPod('web-0').inNamespace('shop').onNode('node-1').running().createdAt('2026-01-01T00:00:01Z').build(),
      aPod('web-1').inNamespace('shop').onNode('node-2').running().createdAt('2026-01-01T00:00:02Z').build(),
      aPod('job-1').inNamespace('batch').onNode('node-1').failed(1, 'Error').createdAt('2026-01-01T00:00:03Z').build(),
    );
    index = new PodIndex(source);
  });
  afterEach(() => index.dispose());

  it('starts from the pods the source holds', () => {
    expect([index.size, keys({})]).toEqual([3, ['batch/job-1', 'shop/web-0', 'shop/web-1']]);
    expect(index.get('shop', 'web-1')).toMatchObject({ key: 'shop/web-1', status: 'Running', nodeName: 'node-2' });
    expect(index.get('shop', 'nope')).toBeUndefined();
  });

  it('adds a new pod to its namespace, node and status, at its place in every order', () => {
    source.put(
      aPod('api-0').inNamespace('shop').onNode('node-3').crashLooping(3).createdAt('2026-01-01T00:00:00Z').build(),
    );
    expect(keys({ namespace: 'shop' })).toEqual(['shop/api-0', 'shop/web-0', 'shop/web-1']);
    expect(keys({ nodeName: 'node-3' })).toEqual(['shop/api-0']);
    expect(keys({ statuses: ['crashloopbackoff'] })).toEqual(['shop/api-0']);
    expect(keys({}, toPodSort('createdAt', 'asc'))).toEqual(['shop/api-0', 'shop/web-0', 'shop/web-1', 'batch/job-1']);
    expect(keys({}, toPodSort('restarts', 'desc'))[0]).toBe('shop/api-0');
    expect(index.facets({}).nodeName).toEqual({ 'node-1': 2, 'node-2': 1, 'node-3': 1 });
  });

  it('moves a pod whose status changes out of the old status bucket into the new one', () => {
    source.put(
      aPod('job-1').inNamespace('batch').onNode('node-1').completed().createdAt('2026-01-01T00:00:03Z').build(),
    );
    expect(keys({ statuses: ['error'] })).toEqual([]);
    expect(keys({ statuses: ['completed'] })).toEqual(['batch/job-1']);
    expect(index.facets({}).status).toEqual({ Completed: 1, Running: 2 }); // no "Error: 0" left behind
    expect(keys({}, toPodSort('status'))).toEqual(['batch/job-1', 'shop/web-0', 'shop/web-1']);
  });

  it('moves a pod in the restarts order when it restarts', () => {
    source.put(
      aPod('web-1').inNamespace('shop').onNode('node-2').crashLooping(5).createdAt('2026-01-01T00:00:02Z').build(),
    );
    expect(keys({}, toPodSort('restarts', 'desc'))).toEqual(['shop/web-1', 'batch/job-1', 'shop/web-0']);
    source.put(
      aPod('web-0')
        .inNamespace('shop')
        .onNode('node-1')
        .running()
        .withContainerStatus('app', is.running({ restartCount: 9 }))
        .createdAt('2026-01-01T00:00:01Z')
        .build(),
    );
    expect(keys({}, toPodSort('restarts', 'desc'))).toEqual(['shop/web-0', 'shop/web-1', 'batch/job-1']);
  });

  it('moves a pod that gets bound to a node from the end of the node order into its node', () => {
    const pending = aPod('new-0').inNamespace('shop').createdAt('2026-01-01T00:00:04Z');
    source.put(pending.pending().build());
    expect(keys({}, toPodSort('nodeName'))).toEqual(['batch/job-1', 'shop/web-0', 'shop/web-1', 'shop/new-0']);
    expect(index.facets({}).nodeName).toEqual({ 'node-1': 2, 'node-2': 1 });
    source.put(pending.onNode('node-1').running().withPodIP('10.244.9.9').build());
    expect(keys({}, toPodSort('nodeName'))).toEqual(['batch/job-1', 'shop/new-0', 'shop/web-0', 'shop/web-1']);
    expect(keys({ nodeName: 'node-1' })).toEqual(['batch/job-1', 'shop/new-0', 'shop/web-0']);
    expect(keys({ search: '10.244.9.9' })).toEqual(['shop/new-0']);
  });

  it('follows label, image and IP changes for selectors and search', () => {
    const web0 = () => aPod('web-0').inNamespace('shop').onNode('node-1').running().createdAt('2026-01-01T00:00:01Z');
    source.put(web0().withLabels({ app: 'web' }).withImage('app', 'envoy:1').withPodIP('10.1.1.1').build());
    expect(keys(selector('app=web'))).toEqual(['shop/web-0']);
    expect(keys({ search: 'envoy' })).toEqual(['shop/web-0']);
    source.put(web0().withLabels({ app: 'api' }).withPodIP('10.2.2.2').build());
    expect(keys(selector('app=web'))).toEqual([]);
    expect(keys(selector('app=api'))).toEqual(['shop/web-0']);
    expect(keys({ search: 'envoy' })).toEqual([]);
    expect(keys({ search: '10.1.1.1' })).toEqual([]);
    expect(keys({ search: '10.2.2.2' })).toEqual(['shop/web-0']);
  });

  it('takes a deleted pod out of every answer, and a pod recreated under its name in at its new place', () => {
    source.remove('shop', 'web-0');
    expect([index.size, keys({}), index.get('shop', 'web-0')]).toEqual([2, ['batch/job-1', 'shop/web-1'], undefined]);
    expect(index.facets({ namespace: 'shop' })).toMatchObject({ total: 1, nodeName: { 'node-2': 1 } });
    source.put(aPod('web-0').inNamespace('shop').onNode('node-2').pending().createdAt('2026-01-02T00:00:00Z').build());
    expect(keys({}, toPodSort('createdAt'))).toEqual(['shop/web-0', 'batch/job-1', 'shop/web-1']);
    expect(keys({ nodeName: 'node-1' })).toEqual(['batch/job-1']);
    source.remove('shop', 'nope'); // unknown: nothing happens
    expect(index.size).toBe(3);
  });

  it('forgets a namespace, node, host IP and image with their last pod: search and facets stop finding them', () => {
    source.put(
      aPod('lone')
        .inNamespace('solo')
        .onNode('node-9')
        .withHostIP('10.9.9.9')
        .withImage('app', 'quay.io/x/rare:1')
        .running()
        .build(),
    );
    for (const needle of ['solo', 'node-9', '10.9.9', 'rare']) expect(keys({ search: needle })).toEqual(['solo/lone']);
    source.remove('solo', 'lone');
    for (const needle of ['solo', 'node-9', '10.9.9', 'rare']) expect(keys({ search: needle })).toEqual([]);
    expect(index.facets({}).namespace).toEqual({ batch: 1, shop: 2 });
    expect(index.facets({ search: 'o' }).nodeName).toEqual({ 'node-1': 2, 'node-2': 1 });
    source.put(aPod('back').inNamespace('solo').onNode('node-1').running().build()); // the id is given out again
    expect(keys({ search: 'solo' })).toEqual(['solo/back']);
    expect(keys({ search: `so${'\u0000'}lo` })).toEqual([]);
  });

  it('answers correctly during and after a burst of changes in one task (a re-list)', async () => {
    const burst = Array.from({ length: 700 }, (_, i) =>
      aPod(`burst-${i}`)
        .inNamespace(`ns-${i % 7}`)
        .onNode(`node-${i % 5}`)
        .crashLooping(i % 11)
        .createdAt(`2026-01-01T00:${String(i % 60).padStart(2, '0')}:00Z`)
        .build(),
    );
    const sorts = POD_SORT_KEYS.flatMap((by) => [toPodSort(by, 'asc'), toPodSort(by, 'desc')]);
    const expectSameAsArray = () => {
      for (const sort of sorts) {
        expect(comparable(index.query({}, sort, EVERYTHING))).toEqual(
          comparable(queryPodArray(source.snapshot(), {}, sort, EVERYTHING)),
        );
      }
    };
    for (const pod of burst.slice(0, 500)) source.put(pod);
    source.remove('shop', 'web-1');
    source.put(aPod('web-0').inNamespace('shop').onNode('node-9').crashLooping(99).build()); // an existing pod moves
    expectSameAsArray(); // the query merges what the burst changed so far
    for (const pod of burst.slice(500)) source.put(pod);
    for (let i = 0; i < 100; i++) source.remove(`ns-${i % 7}`, `burst-${i}`);
    for (let i = 100; i < 200; i++) source.put({ ...burst[i], status: { ...burst[i].status, containerStatuses: [] } });
    source.put(aPod('job-1').inNamespace('batch').pending().createdAt('2025-01-01T00:00:00Z').build());
    expectSameAsArray();
    await endOfTask(); // the end-of-task merge
    source.put(aPod('after').inNamespace('shop').running().build());
    expectSameAsArray();
  });

  it('places the pods of a first fill, given over many tasks, when first asked', async () => {
    const filling = Object.assign(new TestSource(), { synced: false });
    const filled = new PodIndex(filling);
    for (let i = 0; i < 300; i++) {
      filling.put(
        aPod(`fill-${i}`)
          .inNamespace(`ns-${i % 3}`)
          .crashLooping(i % 7)
          .build(),
      );
      if (i % 50 === 0) await endOfTask(); // slices of a re-list, each its own task
    }
    filling.synced = true;
    for (const sort of POD_SORT_KEYS.flatMap((by) => [toPodSort(by, 'asc'), toPodSort(by, 'desc')])) {
      expect(comparable(filled.query({}, sort, EVERYTHING))).toEqual(
        comparable(queryPodArray(filling.snapshot(), {}, sort, EVERYTHING)),
      );
    }
    filling.put(aPod('fill-0').inNamespace('ns-0').crashLooping(50).build()); // once synced, one change at a time
    const [first] = filled.query({}, toPodSort('restarts', 'desc'), EVERYTHING).items;
    expect(first.key).toBe('ns-0/fill-0');
    filled.dispose();
  });

  it('stops following its source when disposed', () => {
    index.dispose();
    expect(source.listenerCount).toBe(0);
    source.put(aPod('late').inNamespace('shop').running().build());
    expect(index.get('shop', 'late')).toBeUndefined();
  });

  it('keeps a rendered page for its filter, sort and page until a pod changes; a filtered one from its second request', () => {
    let renders = 0;
    const render = (result: PodQueryResult) => {
      renders++;
      return new JsonText(`${result.total}: ${result.items.map((item) => item.key).join(' ')}`);
    };
    const page = (filter: PodFilter, sort = toPodSort('name'), request = EVERYTHING) =>
      index.renderedPage(filter, sort, request, render).text;

    expect(page({})).toBe('3: batch/job-1 shop/web-0 shop/web-1');
    expect(page({})).toBe('3: batch/job-1 shop/web-0 shop/web-1');
    expect(renders).toBe(1);
    expect(page({}, toPodSort('name', 'desc'))).toBe('3: shop/web-1 shop/web-0 batch/job-1');
    expect(page({}, toPodSort('name'), { page: 2, pageSize: 2 })).toBe('3: shop/web-1');
    expect(page({}, toPodSort('name'), { page: 1, pageSize: 2 })).toBe('3: batch/job-1 shop/web-0');
    expect(renders).toBe(4);

    for (let i = 0; i < 3; i++) expect(page({ namespace: 'shop' })).toBe('2: shop/web-0 shop/web-1');
    expect(renders).toBe(6); // rendered for the first two requests, kept from the second

    source.put(aPod('web-2').inNamespace('shop').onNode('node-1').running().build());
    for (let i = 0; i < 3; i++) expect(page({ namespace: 'shop' })).toBe('3: shop/web-0 shop/web-1 shop/web-2');
    expect(page({})).toBe('4: batch/job-1 shop/web-0 shop/web-1 shop/web-2');
    expect(renders).toBe(9);
  });

  it('renders each pod when it changes, with the renderer it was given, and answers `rendered` from that', () => {
    const rendered: string[] = [];
    const eager = new PodIndex(source, {
      render: (item) => {
        rendered.push(item.key);
        return `<${item.key} ${item.status}>`;
      },
    });
    expect(rendered.sort()).toEqual(['batch/job-1', 'shop/web-0', 'shop/web-1']);
    const item = () => eager.query({ namespace: 'shop' }, toPodSort('name'), EVERYTHING).items[0];
    expect(eager.rendered(item())).toBe('<shop/web-0 Running>');
    expect(rendered).toHaveLength(3);

    source.put(aPod('web-0').inNamespace('shop').onNode('node-1').crashLooping(2).build());
    expect(rendered.at(-1)).toBe('shop/web-0');
    expect(eager.rendered(item())).toBe('<shop/web-0 CrashLoopBackOff>');
    expect(rendered).toHaveLength(4);
    eager.dispose();
  });

  it('refuses to render without a renderer', () => {
    const plain = new PodIndex(source);
    const [item] = plain.query({}, toPodSort('name'), EVERYTHING).items;
    expect(() => plain.rendered(item)).toThrow(/no PodIndexOptions.render/);
    plain.dispose();
  });

  it('refuses a page request outside integers ≥ 1', () => {
    expect(() => index.query({}, toPodSort(), { page: 0, pageSize: 20 })).toThrow(RangeError);
  });
});

describe(`${PodIndex.name} over a PodCache`, () => {
  it('follows the cache as it lists and watches', async () => {
    const kube = new FakeKubeApi().withPods(aPod('web-0').inNamespace('shop').running().build());
    const cache = new PodCache(kube, { clusterId: 'test' });
    const index = new PodIndex(cache); // before the first list: the list arrives as changes
    try {
      cache.start();
      await expect(cache.waitForSync(1000)).resolves.toBe(true);
      expect(index.get('shop', 'web-0')?.status).toBe('Running');
      for (let i = 0; i < 200 && kube.openWatches === 0; i++) await endOfTask();
      kube.put(aPod('web-0').inNamespace('shop').crashLooping(2).build());
      kube.put(aPod('web-1').inNamespace('shop').pending().build());
      expect(
        index.query({ namespace: 'shop' }, toPodSort('name'), EVERYTHING).items.map((item) => item.status),
      ).toEqual(['CrashLoopBackOff', 'Pending']);
    } finally {
      index.dispose();
      await cache.stop();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The index and the plain-array path give identical answers: random pods, changes and queries from a seeded PRNG.

const NAMESPACES = ['shop', 'dev', 'batch', 'kube-system'];
const NODES = ['node-1', 'node-2', 'node-3', 'node-10', 'Node-X'];
const NAMES = ['web', 'api', 'job', 'db', 'cache', 'w'];
const IMAGES = ['nginx:1.27', 'ghcr.io/Acme/API:v2', 'busybox:1.36', 'envoy:v1.30', 'registry.example.com/web:7'];
const STATUS_WORDS = [
  'Running',
  'running',
  'CrashLoopBackOff',
  'Completed',
  'Error',
  'Pending',
  'Init:0/1',
  'Nope',
  'Terminating',
];
const SEARCHES = [
  'web',
  'WEB',
  'w',
  '1',
  '0',
  '.',
  '-',
  ':',
  'node-1',
  'node-x',
  '10.244.1',
  '10.0.0',
  'fd00',
  'acme',
  'v1.3',
  'shop',
  'b-1',
  'zz',
  'é',
  'we',
  '-1',
  '.1',
  'p-',
  'wé',
  'we\u0000b',
];
const LABEL_SELECTORS = [
  'app=web',
  'app!=web',
  'tier in (a,b)',
  'tier notin (a)',
  'canary',
  '!canary',
  'app=web,!canary',
  'rank>2',
  'rank<3,app in (web,api)',
  'app=nope',
];
const FIELD_SELECTORS = [
  'status.phase=Running',
  'status.phase!=Running',
  'spec.nodeName=',
  'spec.nodeName=node-1',
  'metadata.namespace=shop',
  'metadata.namespace!=dev,spec.restartPolicy=Never',
  'metadata.name=web-1',
  'status.podIP=10.244.1.1',
  'spec.hostNetwork=true',
  'spec.schedulerName=custom',
];

/** `names`: how many numbers follow a name, so that up to 24 × `names` pods exist at once. */
function randomPod(random: () => number, pick: <T>(items: readonly T[]) => T, names: number): KubePod {
  const namespace = pick(NAMESPACES);
  const name = `${pick(NAMES)}-${Math.floor(random() * names)}`;
  let builder: PodBuilder = aPod(name)
    .inNamespace(namespace)
    .createdAt(`2026-01-01T00:00:0${Math.floor(random() * 4)}Z`) // many ties
    .withImage('app', pick(IMAGES));
  if (random() < 0.2) builder = builder.withInitContainers('init').withImage('init', pick(IMAGES));
  if (random() < 0.2) builder = builder.withRestartPolicy('Never');
  if (random() < 0.1) builder = builder.withSchedulerName('custom');
  if (random() < 0.1) builder = builder.withHostNetwork();
  const labels: Record<string, string> = {};
  if (random() < 0.8) labels.app = pick(['web', 'api', 'db']);
  if (random() < 0.5) labels.tier = pick(['a', 'b', 'c']);
  if (random() < 0.2) labels.canary = 'true';
  if (random() < 0.5) labels.rank = String(Math.floor(random() * 5));
  builder = builder.withLabels(labels);
  const node = random() < 0.85 ? pick(NODES) : undefined;
  if (node) builder = builder.onNode(node).withHostIP(`10.0.0.${NODES.indexOf(node)}`);
  const lifecycle = Math.floor(random() * (node ? 8 : 3));
  if (lifecycle === 0) builder = builder.pending();
  else if (lifecycle === 1) builder = builder.schedulingGated();
  else if (lifecycle === 2) builder = builder.withNoLifecycle();
  else if (lifecycle === 3) builder = builder.crashLooping(Math.floor(random() * 4));
  else if (lifecycle === 4) builder = builder.completed();
  else if (lifecycle === 5) builder = builder.failed(1, pick(['Error', 'OOMKilled']));
  else if (lifecycle === 6) builder = builder.containerCreating();
  else builder = builder.running().withContainerStatus('app', is.running({ restartCount: Math.floor(random() * 3) }));
  if (node && random() < 0.7) {
    const ip = `10.244.${Math.floor(random() * 3)}.${Math.floor(random() * 4)}`;
    builder = builder.withPodIP(ip);
    if (random() < 0.3) builder = builder.withStatus({ podIPs: [{ ip }, { ip: `fd00::${Math.floor(random() * 9)}` }] });
  }
  if (random() < 0.05) builder = builder.terminating();
  return builder.build();
}

function randomFilter(random: () => number, pick: <T>(items: readonly T[]) => T): PodFilter {
  const filter: PodFilter = {};
  if (random() < 0.3) filter.namespace = random() < 0.9 ? pick(NAMESPACES) : 'nope';
  if (random() < 0.3) filter.statuses = [pick(STATUS_WORDS), ...(random() < 0.5 ? [pick(STATUS_WORDS)] : [])];
  if (random() < 0.25) filter.nodeName = random() < 0.9 ? pick(NODES) : 'nope';
  if (random() < 0.3) filter.search = pick(SEARCHES);
  if (random() < 0.25) filter.labelSelector = parseLabelSelector(pick(LABEL_SELECTORS));
  if (random() < 0.2) filter.fieldSelector = parseFieldSelector(pick(FIELD_SELECTORS), convertPodFieldLabel);
  if (random() < 0.15) {
    const visible = new Set(NAMESPACES.filter(() => random() < 0.6));
    filter.canSeeNamespace = (namespace) => visible.has(namespace);
  }
  return filter;
}

function describeFilter(filter: PodFilter): string {
  return JSON.stringify({
    ...filter,
    labelSelector: filter.labelSelector?.toString(),
    fieldSelector: filter.fieldSelector?.toString(),
    canSeeNamespace: filter.canSeeNamespace ? NAMESPACES.filter(filter.canSeeNamespace) : undefined,
  });
}

// Items compared by every field; the pod by identity (both must hand back the cache's own object).
function comparable(result: PodQueryResult) {
  return {
    total: result.total,
    items: result.items.map(plainIndexedPod).map(({ pod, ...row }) => ({ ...row, uid: pod.metadata.uid, pod })),
  };
}

// Three indexes over one source, all held to the array path: one keeping answers (the default), one keeping two (so
// answers are evicted and rebuilt), one keeping none. Queries are fresh, or repeat an earlier filter and sort with
// another page — in the same round, where the kept answer serves it and its walk goes on from where it stopped, or in
// a later round, after changes that must have dropped it. Seeds 1–3 hold up to ~290 pods; 4–5 up to ~2 400, so that
// large candidate sets, full passes and long walks are taken too.
describe.each([
  { seed: 1, names: 12 },
  { seed: 2, names: 12 },
  { seed: 3, names: 12 },
  { seed: 4, names: 100 },
  { seed: 5, names: 100 },
])(`${PodIndex.name} and queryPodArray agree (seed $seed)`, ({ seed, names }) => {
  const rounds = names > 12 ? 10 : 30;
  it('on pages and facets for random pods, changes and queries, fresh and repeated', async () => {
    const random = mulberry32(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const source = new TestSource();
    const initial = names > 12 ? 1500 : 150;
    for (let i = 0; i < initial; i++) source.put(randomPod(random, pick, names));
    // Rendering list items as the service's indexes do (PodIndexes), so pages can be held to the array path's JSON.
    const indexes = [
      new PodIndex(source, { render: podSummaryJson }),
      new PodIndex(source, { cacheEntries: 2, render: podSummaryJson }),
      new PodIndex(source, { cacheEntries: 0, render: podSummaryJson }),
    ];
    const asked: { filter: PodFilter; sort: PodSort }[] = [];
    let queries = 0;
    try {
      for (let round = 0; round < rounds; round++) {
        // A few changes, or a burst bigger than the index applies one by one.
        const changes = random() < 0.2 ? 300 + Math.floor(random() * 200) : 1 + Math.floor(random() * 10);
        for (let c = 0; c < changes; c++) {
          const existing = source.snapshot();
          if (random() < 0.25 && existing.length > 0) {
            const victim = pick(existing);
            source.remove(victim.metadata.namespace!, victim.metadata.name!);
          } else {
            source.put(randomPod(random, pick, names));
          }
        }
        if (random() < 0.5) await endOfTask();
        const pods = source.snapshot();
        for (let q = 0; q < 20; q++) {
          const repeated = asked.length > 0 && random() < 0.4;
          const { filter, sort } = repeated
            ? pick(asked)
            : {
                filter: randomFilter(random, pick),
                sort: toPodSort(pick(POD_SORT_KEYS), pick(['asc', 'desc'] as const)),
              };
          if (!repeated) asked.push({ filter, sort });
          const page = { page: 1 + Math.floor(random() * 6), pageSize: pick([1, 2, 3, 7, 20, 500]) };
          const context = `round ${round}, ${repeated ? 'repeated ' : ''}${describeFilter(filter)}, ${sort.by} ${sort.order}, page ${page.page}×${page.pageSize}`;
          const arrayAnswer = queryPodArray(pods, filter, sort, page);
          const expected = { context, answer: comparable(arrayAnswer) };
          const facets = { context, facets: facetPodArray(pods, filter) };
          const json = { context, json: podPageJson(arrayAnswer.items, arrayAnswer.total, page) };
          for (const index of indexes) {
            expect({ context, answer: comparable(index.query(filter, sort, page)) }).toEqual(expected);
            expect({ context, facets: index.facets(filter) }).toEqual(facets);
            const rendered = index.renderedPage(filter, sort, page, (result) => {
              return new JsonText(podPageJson(result.items, result.total, page, index));
            });
            expect({ context, json: rendered.text }).toEqual(json);
          }
          queries++;
        }
      }
    } finally {
      for (const index of indexes) index.dispose();
    }
    expect(queries).toBe(rounds * 20);
    expect(asked.length).toBeLessThan(queries * 0.8); // some were repeated
  }, 30_000);
});

function selector(text: string): PodFilter {
  return { labelSelector: parseLabelSelector(text) };
}
