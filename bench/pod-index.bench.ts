/**
 * PodIndex micro-benchmark: 100 000 varied pods, time per query (a page of 20) for many filter and sort
 * combinations, facets, incremental updates, a re-list burst, and heap per indexed pod; then the list and facets
 * mixes of bench/pods-list.bench.ts over the simulator's own generated pods. Each query is timed twice: "cold", on
 * an index that keeps no answers (every call plans, reads candidates and walks), and "cached", repeated on the
 * default index (after the first call, an answer kept until the next change).
 *
 *   node --experimental-transform-types --expose-gc --no-warnings bench/pod-index.bench.ts [pods]
 *
 * Runs the TypeScript sources directly on the project's Node 24 (put node_modules/.bin first on PATH): the project's
 * relative imports name `.js` files, so a resolve hook maps them onto the `.ts` sources, and project modules are
 * loaded with `import()` after it is registered. `--experimental-transform-types` (not only strip-types) because
 * the selector parsers use `const enum` and ApiError parameter properties. Results go into docs/performance.md.
 */
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { PodChange } from '../src/clusters/pod-cache.js';
import type { KubePod } from '../src/common/kube/kube-objects.js';
import type { PodFilter, PodSort } from '../src/pods/pod-query.js';
import type { Query } from './query-mixes.js';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.endsWith('.js') && context.parentURL?.startsWith('file:')) {
      const source = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
      if (existsSync(fileURLToPath(source))) return nextResolve(source.href, context);
    }
    return nextResolve(specifier, context);
  },
});

const POD_COUNT = Number(process.argv[2] ?? 100_000);

class BenchSource {
  readonly pods = new Map<string, KubePod>();
  private readonly listeners = new Set<(change: PodChange) => void>();
  values(): IterableIterator<KubePod> {
    return this.pods.values();
  }
  subscribe(listener: (change: PodChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  put(pod: KubePod): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const previous = this.pods.get(key);
    this.pods.set(key, pod);
    this.emit({ type: previous ? 'modified' : 'added', pod, previous, resourceVersion: '1' });
  }
  remove(pod: KubePod): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const previous = this.pods.get(key);
    if (!previous) return;
    this.pods.delete(key);
    this.emit({ type: 'deleted', pod: previous, previous, resourceVersion: '1' });
  }
  private emit(change: PodChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** The median time of a few forced full collections, in ms. */
function fullCollectionMs(): number {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    heapUsed();
    runs.push((performance.now() - start) / 2); // heapUsed collects twice
  }
  return percentile(
    runs.sort((a, b) => a - b),
    0.5,
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

function time(runs: number, run: (i: number) => void): { median: number; p95: number } {
  for (let i = 0; i < Math.min(5, runs); i++) run(i); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    run(i);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { median: percentile(samples, 0.5), p95: percentile(samples, 0.95) };
}

const ms = (value: number) => (value < 0.1 ? value.toFixed(3) : value.toFixed(2));
const nextTask = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The synthetic cluster: every kind of filter, sort and facet, cold and cached; updates; heap per pod. */
async function syntheticCluster(): Promise<void> {
  const { aPod, containerState } = await import('../test/helpers/pod-builder.js');
  const { PodIndex } = await import('../src/pods/pod-index.js');
  const { parsePodFilter, queryPodArray, facetPodArray, toPodSort } = await import('../src/pods/pod-query.js');
  const { podSearchTexts } = await import('../src/pods/indexed-pod.js');
  const { mulberry32 } = await import('../src/common/mulberry32.js');

  const random = mulberry32(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const suffix = () =>
    Math.floor(random() * 36 ** 5)
      .toString(36)
      .padStart(5, '0');

  // ---- a cluster: 60 namespaces of skewed sizes, 400 nodes, ~2 600 workloads
  const apps = ['web', 'api', 'checkout', 'cart', 'payments', 'search', 'worker', 'redis', 'kafka', 'frontend'];
  const tiers = ['frontend', 'backend', 'data', 'batch'];
  const namespaces = Array.from({ length: 60 }, (_, i) => (i < 3 ? `team-${i}-prod` : `ns-${i}`));
  const nodes = Array.from({ length: 400 }, (_, i) => `node-${i}`);
  interface Workload {
    namespace: string;
    app: string;
    kind: 'deployment' | 'statefulset' | 'job';
    hash: string;
    images: string[];
    tier: string;
  }
  const workloads: Workload[] = Array.from({ length: 2600 }, (_, i) => {
    // The first namespaces are big: ~30% of all pods in team-0-prod.
    const namespace = random() < 0.3 ? namespaces[0] : random() < 0.2 ? pick(namespaces.slice(1, 3)) : pick(namespaces);
    const app = `${pick(apps)}-${i}`;
    const kind = random() < 0.8 ? 'deployment' : random() < 0.5 ? 'statefulset' : 'job';
    const registry = pick(['docker.io/library', 'ghcr.io/acme', 'registry.example.com/team-a', 'quay.io/prometheus']);
    const images = [`${registry}/${pick(['nginx', 'envoy', 'app', 'redis', 'busybox'])}:1.${i % 40}`];
    if (random() < 0.3) images.push(`ghcr.io/acme/sidecar-proxy:v${i % 5}`);
    return {
      namespace,
      app,
      kind,
      hash: Math.floor(random() * 1e10)
        .toString(16)
        .slice(0, 9),
      images,
      tier: pick(tiers),
    };
  });

  const base = Date.parse('2026-01-01T00:00:00Z');
  let ip = 0;
  function makePod(workload: Workload, index: number): KubePod {
    const name =
      workload.kind === 'deployment'
        ? `${workload.app}-${workload.hash}-${suffix()}`
        : workload.kind === 'statefulset'
          ? `${workload.app}-${index}`
          : `${workload.app}-${suffix()}`;
    const nodeIndex = Math.floor(random() * nodes.length);
    const labels: Record<string, string> = { app: workload.app, tier: workload.tier, team: `team-${index % 7}` };
    if (workload.kind === 'deployment') labels['pod-template-hash'] = workload.hash;
    if (workload.kind === 'statefulset') labels['statefulset.kubernetes.io/pod-name'] = name;
    if (workload.kind === 'job') labels['batch.kubernetes.io/controller-uid'] = `uid-${suffix()}`;
    if (random() < 0.05) labels['canary'] = 'true';
    labels['version'] = `v${index % 3}`;
    const builder = aPod(name)
      .inNamespace(workload.namespace)
      .withLabels(labels)
      .createdAt(new Date(base - Math.floor(random() * 30 * 86_400) * 1000).toISOString().replace('.000Z', 'Z'))
      .withContainers(...workload.images.map((image, i) => ({ name: `c${i}`, image })))
      .ownedBy(
        workload.kind === 'job' ? 'Job' : workload.kind === 'statefulset' ? 'StatefulSet' : 'ReplicaSet',
        workload.app,
      );
    if (random() < 0.1) builder.withInitContainers('init');
    const roll = random();
    const scheduled = roll >= 0.03;
    if (scheduled) builder.onNode(nodes[nodeIndex]).withHostIP(`10.0.${nodeIndex >> 8}.${nodeIndex & 255}`);
    if (!scheduled) builder.pending();
    else if (roll < 0.05) builder.containerCreating();
    else if (roll < 0.07) builder.crashLooping(1 + Math.floor(random() * 300));
    else if (roll < 0.1) builder.completed();
    else if (roll < 0.11) builder.failed(1, 'Error');
    else if (roll < 0.115) builder.evicted();
    else if (roll < 0.125)
      builder.containerCreating().withContainerStatus('c0', containerState.waiting('ImagePullBackOff'));
    else {
      builder.running();
      if (random() < 0.1)
        builder.withContainerStatus('c0', containerState.running({ restartCount: Math.floor(random() * 20) }));
      if (random() < 0.005) builder.terminating();
    }
    if (scheduled && roll >= 0.05) builder.withPodIP(`10.244.${(ip >> 8) & 255}.${ip++ & 255}`);
    const pod = builder.build();
    // Realistic weight: the fields a real pod carries that the index never reads.
    pod.metadata.annotations = {
      'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z',
      'prometheus.io/scrape': 'true',
    };
    pod.spec.volumes = [
      { name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
    ];
    for (const container of pod.spec.containers) {
      container.resources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } };
      container.env = [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ];
      container.volumeMounts = [
        { name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
      ];
    }
    return pod;
  }

  const heapEmpty = heapUsed();
  const source = new BenchSource();
  const started = performance.now();
  for (let i = 0; i < POD_COUNT; i++) {
    const pod = makePod(pick(workloads), i);
    source.pods.set(`${pod.metadata.namespace}/${pod.metadata.name}`, pod);
  }
  const generateMs = performance.now() - started;
  const heapPods = heapUsed();

  // What a full collection costs the thread with the pods held as objects, and what it would cost with each held as
  // one JSON text: marking follows every object, not bytes (docs/performance.md, "Why the paced p99 is missed").
  // The pods are then parsed back from their texts, as a watch hands them over.
  const collectionWithObjects = fullCollectionMs();
  const keys = [...source.pods.keys()];
  const podTexts = [...source.pods.values()].map((pod) => JSON.stringify(pod));
  source.pods.clear();
  const heapTexts = heapUsed();
  const collectionWithTexts = fullCollectionMs();
  keys.forEach((key, i) => source.pods.set(key, JSON.parse(podTexts[i]) as KubePod));
  podTexts.length = 0;

  const buildStart = performance.now();
  const index = new PodIndex(source);
  const buildMs = performance.now() - buildStart;
  const heapIndexed = heapUsed();

  console.log(`# PodIndex benchmark — ${index.size} pods, Node ${process.version}`);
  console.log(`pods generated in ${(generateMs / 1000).toFixed(1)} s; index built in ${buildMs.toFixed(0)} ms`);
  console.log(
    `heap: pods ${((heapPods - heapEmpty) / index.size).toFixed(0)} B/pod; ` +
      `index ${((heapIndexed - heapPods) / index.size).toFixed(0)} B/pod ` +
      `(${((heapIndexed - heapPods) / 2 ** 20).toFixed(1)} MiB)`,
  );

  console.log(
    `full collection with the pods alone: ${collectionWithObjects.toFixed(0)} ms as objects; ` +
      `${collectionWithTexts.toFixed(0)} ms as one JSON text each (${((heapTexts - heapEmpty) / index.size).toFixed(0)} B/pod)`,
  );

  const { labelSets, fieldProfiles, imageLists, namespaces: nsCount, nodes: nodeCount, statuses } = index.stats;
  console.log(
    `distinct values: ${nsCount} namespaces, ${nodeCount} nodes, ${statuses} statuses, ${labelSets} label maps, ` +
      `${fieldProfiles} field profiles, ${imageLists} image lists`,
  );

  // ---- queries
  const all = [...source.pods.values()];
  const somePod = all[12_345 % all.length];
  const someIP = somePod.status?.podIP ?? '10.244.1.1';
  const filter = (query: Parameters<typeof parsePodFilter>[0], extra: Partial<PodFilter> = {}): PodFilter => ({
    ...parsePodFilter(query),
    ...extra,
  });
  const visible = new Set(namespaces.slice(1, 12));
  const cases: { name: string; filter: PodFilter; sort: PodSort; page?: number }[] = [
    { name: 'no filter, createdAt desc', filter: {}, sort: toPodSort() },
    { name: 'no filter, name asc, page 2000', filter: {}, sort: toPodSort('name'), page: 2000 },
    { name: 'no filter, status desc', filter: {}, sort: toPodSort('status', 'desc') },
    { name: 'no filter, nodeName desc, page 100', filter: {}, sort: toPodSort('nodeName', 'desc'), page: 100 },
    {
      name: 'namespace (30% of pods), createdAt desc',
      filter: filter({ namespace: namespaces[0] }),
      sort: toPodSort(),
    },
    {
      name: 'namespace (0.3%), restarts desc',
      filter: filter({ namespace: namespaces[40] }),
      sort: toPodSort('restarts', 'desc'),
    },
    {
      name: 'status=Running (86%), restarts desc',
      filter: filter({ status: 'running' }),
      sort: toPodSort('restarts', 'desc'),
    },
    { name: 'status=Running, page 1000', filter: filter({ status: 'Running' }), sort: toPodSort(), page: 1000 },
    {
      name: 'status=CrashLoopBackOff,Error (3%)',
      filter: filter({ status: 'CrashLoopBackOff,Error' }),
      sort: toPodSort(),
    },
    { name: 'nodeName (0.25%), name asc', filter: filter({ nodeName: 'node-17' }), sort: toPodSort('name') },
    { name: 'namespace + status', filter: filter({ namespace: namespaces[0], status: 'Running' }), sort: toPodSort() },
    {
      name: 'namespace + status + node',
      filter: filter({ namespace: namespaces[0], status: 'Running', nodeName: 'node-3' }),
      sort: toPodSort(),
    },
    { name: 'search name fragment "checkout"', filter: filter({ search: 'checkout' }), sort: toPodSort() },
    { name: 'search pod name (1 hit)', filter: filter({ search: somePod.metadata.name }), sort: toPodSort() },
    { name: 'search pod IP (1 hit)', filter: filter({ search: someIP }), sort: toPodSort() },
    { name: 'search host IP prefix "10.0.1."', filter: filter({ search: '10.0.1.' }), sort: toPodSort() },
    { name: 'search image "envoy" (~20%)', filter: filter({ search: 'envoy' }), sort: toPodSort() },
    { name: 'search "a" (nearly all)', filter: filter({ search: 'a' }), sort: toPodSort('name') },
    { name: 'search "zzzz" (none)', filter: filter({ search: 'zzzz' }), sort: toPodSort() },
    {
      name: 'search "7" + status=Running',
      filter: filter({ search: '7', status: 'Running' }),
      sort: toPodSort('restarts', 'desc'),
    },
    {
      name: 'labelSelector app=<one workload>',
      filter: filter({ labelSelector: `app=${workloads[7].app}` }),
      sort: toPodSort(),
    },
    {
      name: 'labelSelector tier in (frontend,backend)',
      filter: filter({ labelSelector: 'tier in (frontend,backend)' }),
      sort: toPodSort(),
    },
    { name: 'labelSelector !canary (95%)', filter: filter({ labelSelector: '!canary' }), sort: toPodSort() },
    {
      name: 'labelSelector team=team-1,version!=v2',
      filter: filter({ labelSelector: 'team=team-1,version!=v2' }),
      sort: toPodSort('name'),
    },
    {
      name: 'fieldSelector status.phase=Running',
      filter: filter({ fieldSelector: 'status.phase=Running' }),
      sort: toPodSort(),
    },
    {
      name: 'fieldSelector spec.nodeName= (unscheduled)',
      filter: filter({ fieldSelector: 'spec.nodeName=' }),
      sort: toPodSort(),
    },
    {
      name: 'fieldSelector metadata.namespace=ns-5',
      filter: filter({ fieldSelector: 'metadata.namespace=ns-5' }),
      sort: toPodSort(),
    },
    {
      name: 'namespace + search + labelSelector',
      filter: filter({ namespace: namespaces[0], search: 'web', labelSelector: 'tier=backend' }),
      sort: toPodSort(),
    },
    {
      name: 'status=Running + search "web", nodeName asc, page 5',
      filter: filter({ status: 'Running', search: 'web' }),
      sort: toPodSort('nodeName'),
      page: 5,
    },
    {
      name: 'grants: 11 namespaces visible',
      filter: filter({}, { canSeeNamespace: (ns) => visible.has(ns) }),
      sort: toPodSort(),
    },
    {
      name: 'grants + status=Running, name desc',
      filter: filter({ status: 'Running' }, { canSeeNamespace: (ns) => visible.has(ns) }),
      sort: toPodSort('name', 'desc'),
    },
  ];

  // An index that keeps no answer, over the same pods: what a query costs the first time after a change.
  const coldIndex = new PodIndex(source, { cacheEntries: 0 });

  console.log('\n| query (page of 20) | matches | cold median ms | cold p95 ms | cached median ms | cached p95 ms |');
  console.log('|---|---:|---:|---:|---:|---:|');
  let worstCold = 0;
  for (const { name, filter: f, sort, page } of cases) {
    const request = { page: page ?? 1, pageSize: 20 };
    const result = index.query(f, sort, request);
    const cold = time(200, () => coldIndex.query(f, sort, request));
    const cached = time(200, () => index.query(f, sort, request));
    worstCold = Math.max(worstCold, cold.median);
    console.log(
      `| ${name} | ${result.total} | ${ms(cold.median)} | ${ms(cold.p95)} | ${ms(cached.median)} | ${ms(cached.p95)} |`,
    );
  }
  console.log(`worst cold median: ${ms(worstCold)} ms`);

  console.log('\n| facets | total | cold median ms | cold p95 ms | cached median ms | cached p95 ms |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const facetCases: { name: string; filter: PodFilter }[] = [
    { name: 'no filter', filter: {} },
    { name: 'namespace', filter: filter({ namespace: namespaces[0] }) },
    {
      name: 'namespace + status + node',
      filter: filter({ namespace: namespaces[0], status: 'Running', nodeName: 'node-3' }),
    },
    { name: 'status=Running', filter: filter({ status: 'Running' }) },
    { name: 'search "web"', filter: filter({ search: 'web' }) },
    { name: 'search "a" + status', filter: filter({ search: 'a', status: 'Running,Pending' }) },
    { name: 'labelSelector !canary', filter: filter({ labelSelector: '!canary' }) },
    { name: 'fieldSelector status.phase=Running', filter: filter({ fieldSelector: 'status.phase=Running' }) },
    { name: 'grants + search "1"', filter: filter({ search: '1' }, { canSeeNamespace: (ns) => visible.has(ns) }) },
  ];
  let worstFacets = 0;
  for (const { name, filter: f } of facetCases) {
    const facets = index.facets(f);
    const cold = time(100, () => coldIndex.facets(f));
    const cached = time(100, () => index.facets(f));
    worstFacets = Math.max(worstFacets, cold.median);
    console.log(
      `| ${name} | ${facets.total} | ${ms(cold.median)} | ${ms(cold.p95)} | ${ms(cached.median)} | ${ms(cached.p95)} |`,
    );
  }
  console.log(`worst cold median: ${ms(worstFacets)} ms`);
  coldIndex.dispose(); // not to be updated below

  // ---- for comparison: the plain-array path and a per-pod search scan
  const arrayQuery = time(5, () =>
    queryPodArray(all, filter({ status: 'Running' }), toPodSort(), { page: 1, pageSize: 20 }),
  );
  const arrayFacets = time(3, () => facetPodArray(all, filter({ namespace: namespaces[0] })));
  const texts = all.map((pod) => {
    const t = podSearchTexts(pod);
    return [t.name, t.namespace, t.nodeName, ...t.podIPs, ...t.hostIPs, ...t.images].join('\u0000');
  });
  const naive = time(20, () => texts.filter((text) => text.includes('checkout')).length);
  console.log(`\narray path (status=Running, every pod indexed per request): median ${ms(arrayQuery.median)} ms`);
  console.log(`array path facets: median ${ms(arrayFacets.median)} ms`);
  console.log(`per-pod includes over precomputed search texts ("checkout"): median ${ms(naive.median)} ms`);

  // ---- incremental updates, one per task (as watch events arrive)
  const updates = { modify: [] as number[], add: [] as number[], delete: [] as number[] };
  const added: KubePod[] = [];
  for (let i = 0; i < 3000; i++) {
    const kind = i % 3 === 0 ? 'modify' : i % 3 === 1 ? 'add' : 'delete';
    let run: () => void;
    if (kind === 'modify') {
      const pod = all[Math.floor(random() * all.length)];
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      const current = source.pods.get(key);
      if (!current) continue;
      const next = structuredClone(current);
      const status = next.status?.containerStatuses?.[0];
      if (status) status.restartCount += 1;
      next.status = { ...next.status, phase: next.status?.phase === 'Running' ? 'Failed' : 'Running' };
      run = () => source.put(next);
    } else if (kind === 'add') {
      const pod = makePod(pick(workloads), POD_COUNT + i);
      added.push(pod);
      run = () => source.put(pod);
    } else {
      const pod = added.shift();
      if (!pod) continue;
      run = () => source.remove(pod);
    }
    const start = process.hrtime.bigint();
    run();
    updates[kind].push(Number(process.hrtime.bigint() - start) / 1e6);
    await nextTask();
  }
  console.log('\n| incremental update (one per task) | median ms | p99 ms |');
  console.log('|---|---:|---:|');
  for (const [kind, samples] of Object.entries(updates)) {
    samples.sort((a, b) => a - b);
    console.log(`| ${kind} | ${ms(percentile(samples, 0.5))} | ${ms(percentile(samples, 0.99))} |`);
  }

  // ---- a re-list reporting 20 000 changed pods in one task
  const burst = all.slice(0, 20_000).map((pod) => {
    const next = structuredClone(source.pods.get(`${pod.metadata.namespace}/${pod.metadata.name}`) ?? pod);
    next.metadata.resourceVersion = 'relisted';
    if (next.status?.containerStatuses?.[0]) next.status.containerStatuses[0].restartCount += 1;
    return next;
  });
  const burstStart = performance.now();
  for (const pod of burst) source.put(pod);
  const burstApplied = performance.now();
  await Promise.resolve(); // the end-of-task merge
  const burstMerged = performance.now();
  console.log(
    `\nre-list burst of ${burst.length} changes: applied in ${(burstApplied - burstStart).toFixed(0)} ms, ` +
      `orders merged in ${(burstMerged - burstApplied).toFixed(0)} ms`,
  );
  index.dispose();
}

/**
 * The list and facets mixes of bench/pods-list.bench.ts (the same query strings, the same seeded varying ones),
 * over the pods the simulator generates for `--pods`: the index's share of each HTTP request.
 */
async function simulatorMix(): Promise<void> {
  const { generatedCluster } = await import('../src/sandbox/seed/generated-pods.js');
  const { PodIndex } = await import('../src/pods/pod-index.js');
  const { parsePodFilter, toPodSort, POD_SORT_KEYS } = await import('../src/pods/pod-query.js');
  const { mulberry32 } = await import('../src/common/mulberry32.js');
  const { queryMixes } = await import('./query-mixes.js');

  const source = new BenchSource();
  for (const pod of generatedCluster(POD_COUNT, new Date('2026-01-01T00:00:00Z')).pods) {
    source.pods.set(`${pod.metadata.namespace}/${pod.metadata.name}`, pod);
  }
  const index = new PodIndex(source);
  const coldIndex = new PodIndex(source, { cacheEntries: 0 });
  console.log(`\n# The HTTP benchmark's mixes over the simulator's ${index.size} generated pods`);

  const { list: listMix, facets: facetsMix } = queryMixes(mulberry32(5));
  const parse = (query: string) => {
    const params = Object.fromEntries(new URLSearchParams(query));
    const by = POD_SORT_KEYS.find((key) => key === params.sortBy);
    return {
      filter: parsePodFilter(params),
      sort: toPodSort(by, params.sortOrder === 'asc' || params.sortOrder === 'desc' ? params.sortOrder : undefined),
      page: { page: Number(params.page ?? 1), pageSize: 20 },
    };
  };
  const run = (target: InstanceType<typeof PodIndex>, query: Query) => {
    const { filter, sort, page } = parse(typeof query === 'string' ? query : query());
    return target.query(filter, sort, page);
  };

  console.log(
    '\n| list query (page of 20) | matches | cold median ms | cold p95 ms | cached median ms | cached p95 ms |',
  );
  console.log('|---|---:|---:|---:|---:|---:|');
  let worstCold = 0;
  for (const [name, query] of listMix) {
    const total = run(index, query).total;
    const cold = time(200, () => run(coldIndex, query));
    const cached = time(200, () => run(index, query));
    worstCold = Math.max(worstCold, cold.median);
    const matches = typeof query === 'string' ? String(total) : `~${total}`;
    console.log(
      `| ${name} | ${matches} | ${ms(cold.median)} | ${ms(cold.p95)} | ${ms(cached.median)} | ${ms(cached.p95)} |`,
    );
  }
  console.log(`worst cold median: ${ms(worstCold)} ms (query parsing included)`);

  console.log('\n| facets query | total | cold median ms | cold p95 ms | cached median ms | cached p95 ms |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [name, query] of facetsMix) {
    const { filter } = parse(query);
    const total = index.facets(filter).total;
    const cold = time(100, () => coldIndex.facets(parse(query).filter));
    const cached = time(100, () => index.facets(parse(query).filter));
    console.log(
      `| ${name} | ${total} | ${ms(cold.median)} | ${ms(cold.p95)} | ${ms(cached.median)} | ${ms(cached.p95)} |`,
    );
  }

  // The mixes as the HTTP benchmark sends them: round-robin, so each cached answer is reused once per round.
  for (const [name, target] of [
    ['cached', index],
    ['cold', coldIndex],
  ] as const) {
    const rounds = 100;
    const list = time(rounds * listMix.length, (i) => run(target, listMix[i % listMix.length][1]));
    const facets = time(rounds * facetsMix.length, (i) =>
      target.facets(parse(facetsMix[i % facetsMix.length][1]).filter),
    );
    console.log(
      `${name} index, mixes round-robin: list median ${ms(list.median)} ms, p95 ${ms(list.p95)} ms; ` +
        `facets median ${ms(facets.median)} ms, p95 ${ms(facets.p95)} ms`,
    );
  }
  index.dispose();
  coldIndex.dispose();
}

async function main(): Promise<void> {
  await syntheticCluster();
  await simulatorMix();
}

void main();
