/**
 * The pod list's contract (api.md §3.1, §3.6): parsing, then every filter, order, page and facet — each table run on
 * both answers, the plain array (before the cache has synced) and PodIndex.
 */
import { aPod, containerState as is } from '../../test/helpers/pod-builder.js';
import { ApiError } from '../common/errors/api-error.js';
import type { KubePod } from '../common/kube/kube-objects.js';
import { plainIndexedPod } from './indexed-pod.js';
import { PodIndex } from './pod-index.js';
import {
  assertPageRequest,
  facetPodArray,
  parsePodFilter,
  queryPodArray,
  toPodSort,
  type PageRequest,
  type PodFilter,
  type PodQueryResult,
  type PodSort,
  type PodSortKey,
  type SortOrder,
} from './pod-query.js';
import type { PodFacets } from './dto/pod-facets.dto.js';

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-02T00:00:00Z';
const T2 = '2026-01-03T00:00:00Z';
const T3 = '2026-01-04T00:00:00Z';

//  key                     status            node    created  restarts
//  batch/job-1             Completed         node-2  T0       0
//  batch/job-2             Error             node-3  T3       0
//  dev/gated-0             SchedulingGated   –       T3       0
//  dev/pending-0           Pending           –       T2       0
//  dev/web-0               Running           node-2  T1       0
//  kube-system/coredns-0   Running           node-3  T0       2
//  shop/api-0              Running           node-1  T1       0
//  shop/web-0              Running           node-1  T1       0
//  shop/web-1              CrashLoopBackOff  node-2  T2       7
const PODS: KubePod[] = [
  aPod('web-0')
    .inNamespace('shop')
    .onNode('node-1')
    .running()
    .withPodIP('10.244.1.5')
    .withStatus({ podIPs: [{ ip: '10.244.1.5' }, { ip: 'fd00::5' }] })
    .withHostIP('10.0.0.1')
    .withLabels({ app: 'web', tier: 'frontend', weight: '5' })
    .createdAt(T1)
    .build(),
  aPod('web-1')
    .inNamespace('shop')
    .onNode('node-2')
    .crashLooping(7)
    .withPodIP('10.244.2.8')
    .withHostIP('10.0.0.2')
    .withLabels({ app: 'web', tier: 'frontend', canary: 'true' })
    .createdAt(T2)
    .build(),
  aPod('api-0')
    .inNamespace('shop')
    .onNode('node-1')
    .withImage('app', 'ghcr.io/Acme/API:v2')
    .running()
    .withPodIP('10.244.1.6')
    .withHostIP('10.0.0.1')
    .withLabels({ app: 'api', tier: 'backend', weight: '10' })
    .createdAt(T1)
    .build(),
  aPod('web-0')
    .inNamespace('dev')
    .onNode('node-2')
    .running()
    .withPodIP('10.244.2.7')
    .withHostIP('10.0.0.2')
    .withLabels({ app: 'web' })
    .createdAt(T1)
    .build(),
  aPod('pending-0').inNamespace('dev').pending().createdAt(T2).build(),
  aPod('gated-0').inNamespace('dev').schedulingGated().createdAt(T3).build(),
  aPod('job-1')
    .inNamespace('batch')
    .onNode('node-2')
    .withRestartPolicy('Never')
    .completed()
    .withHostIP('10.0.0.2')
    .withLabels({ app: 'job' })
    .createdAt(T0)
    .build(),
  aPod('job-2')
    .inNamespace('batch')
    .onNode('node-3')
    .withRestartPolicy('Never')
    .failed(1, 'Error')
    .withHostIP('10.0.0.3')
    .withLabels({ app: 'job' })
    .createdAt(T3)
    .build(),
  aPod('coredns-0')
    .inNamespace('kube-system')
    .onNode('node-3')
    .withInitContainers('init')
    .withImage('init', 'busybox:1.36')
    .withHostNetwork()
    .running()
    .withContainerStatus('app', is.running({ restartCount: 2 }))
    .withPodIP('10.0.0.3')
    .withHostIP('10.0.0.3')
    .withLabels({ 'k8s-app': 'kube-dns' })
    .createdAt(T0)
    .build(),
];
const ALL = [
  'batch/job-1',
  'batch/job-2',
  'dev/gated-0',
  'dev/pending-0',
  'dev/web-0',
  'kube-system/coredns-0',
  'shop/api-0',
  'shop/web-0',
  'shop/web-1',
];

describe(parsePodFilter.name, () => {
  it.each([
    { query: {}, filter: {} },
    {
      query: { namespace: '', status: '', nodeName: '', search: '', labelSelector: '', fieldSelector: '' },
      filter: {},
    },
    { query: { namespace: 'shop', nodeName: 'node-1' }, filter: { namespace: 'shop', nodeName: 'node-1' } },
    {
      query: { status: ' Running, pending ,,CrashLoopBackOff,running' },
      filter: { statuses: ['running', 'pending', 'crashloopbackoff'] },
    },
    { query: { status: ' , ' }, filter: {} },
    { query: { search: '  Web-0 ' }, filter: { search: 'web-0' } },
    { query: { search: '   ' }, filter: {} },
  ])('$query → $filter', ({ query, filter }) => {
    expect(parsePodFilter(query)).toEqual(filter);
  });

  it('parses selectors as the API server does (spec.host is spec.nodeName)', () => {
    const filter = parsePodFilter({ labelSelector: 'tier in (web, api),app', fieldSelector: 'spec.host=node-1' });
    expect(filter.labelSelector?.toString()).toBe('app,tier in (api,web)');
    expect(filter.fieldSelector?.toString()).toBe('spec.nodeName=node-1');
  });

  it.each([
    {
      query: { labelSelector: 'app in (web' },
      details: [{ field: 'labelSelector', message: expect.stringContaining("found '', expected: ',' or ')'") }],
    },
    {
      query: { fieldSelector: 'spec.containers=x' },
      details: [{ field: 'fieldSelector', message: 'field label not supported: spec.containers' }],
    },
    {
      query: { fieldSelector: 'status.phase' },
      details: [{ field: 'fieldSelector', message: expect.stringContaining("can't understand 'status.phase'") }],
    },
    {
      query: { labelSelector: '!', fieldSelector: 'metadata.uid=1' },
      details: [
        { field: 'labelSelector', message: expect.any(String) },
        { field: 'fieldSelector', message: 'field label not supported: metadata.uid' },
      ],
    },
  ])('refuses $query with 400 ValidationFailed naming the parameter', ({ query, details }) => {
    let thrown: unknown;
    try {
      parsePodFilter(query);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    expect(thrown).toMatchObject({ status: 400, reason: 'ValidationFailed', details });
  });
});

describe(toPodSort.name, () => {
  it.each<{ by?: PodSortKey; order?: SortOrder; sort: PodSort }>([
    { sort: { by: 'createdAt', order: 'desc' } },
    { by: 'createdAt', order: 'asc', sort: { by: 'createdAt', order: 'asc' } },
    { by: 'name', sort: { by: 'name', order: 'asc' } },
    { by: 'restarts', order: 'desc', sort: { by: 'restarts', order: 'desc' } },
  ])('$by $order → $sort', ({ by, order, sort }) => {
    expect(toPodSort(by, order)).toEqual(sort);
  });
});

describe(assertPageRequest.name, () => {
  it.each([
    { page: 0, pageSize: 20 },
    { page: 1, pageSize: 0 },
    { page: 1.5, pageSize: 20 },
    { page: 1, pageSize: Number.NaN },
  ])('refuses $page × $pageSize', (page) => {
    expect(() => assertPageRequest(page)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Semantics, on both answers

interface Answer {
  query(filter: PodFilter, sort: PodSort, page: PageRequest): PodQueryResult;
  facets(filter: PodFilter): PodFacets;
}

const ANSWERS: [string, (pods: KubePod[]) => Answer][] = [
  [
    'the plain-array answer',
    (pods) => ({
      query: (filter, sort, page) => queryPodArray(pods, filter, sort, page),
      facets: (filter) => facetPodArray(pods, filter),
    }),
  ],
  [
    'PodIndex',
    (pods) => {
      const index = new PodIndex({ values: () => pods, subscribe: () => () => undefined });
      return { query: (...args) => index.query(...args), facets: (filter) => index.facets(filter) };
    },
  ],
];

const BY_KEY = toPodSort('namespace', 'asc'); // namespace, then name: the keys in text order
const EVERYTHING = { page: 1, pageSize: 500 };
const hidesKubeSystem = (namespace: string) => namespace !== 'kube-system';

describe.each(ANSWERS)('%s', (_, answerFor) => {
  const answer = answerFor(PODS);
  const keys = (filter: PodFilter, sort = BY_KEY, page = EVERYTHING) =>
    answer.query(filter, sort, page).items.map((item) => item.key);

  it('maps each match to its precomputed row and the pod itself', () => {
    const [item] = answer.query({ search: 'web-1' }, BY_KEY, EVERYTHING).items;
    expect(plainIndexedPod(item)).toEqual({
      key: 'shop/web-1',
      namespace: 'shop',
      name: 'web-1',
      nodeName: 'node-2',
      status: 'CrashLoopBackOff',
      ready: '0/1',
      restarts: 7,
      createdAt: Date.parse(T2),
      pod: PODS[1],
    });
    expect(item.pod).toBe(PODS[1]);
  });

  it.each<{ filter: PodFilter; expected: string[] }>([
    { filter: {}, expected: ALL },
    { filter: { namespace: 'shop' }, expected: ['shop/api-0', 'shop/web-0', 'shop/web-1'] },
    { filter: { namespace: 'nope' }, expected: [] },
    {
      filter: { statuses: ['running'] },
      expected: ['dev/web-0', 'kube-system/coredns-0', 'shop/api-0', 'shop/web-0'],
    },
    { filter: { statuses: ['CrashLoopBackOff', 'COMPLETED', 'nope'] }, expected: ['batch/job-1', 'shop/web-1'] },
    { filter: { statuses: [' Error '] }, expected: ['batch/job-2'] },
    { filter: { statuses: ['nope'] }, expected: [] },
    { filter: { statuses: [] }, expected: ALL },
    { filter: { nodeName: 'node-1' }, expected: ['shop/api-0', 'shop/web-0'] },
    { filter: { nodeName: 'nope' }, expected: [] },
    { filter: { namespace: 'shop', statuses: ['running'], search: 'api' }, expected: ['shop/api-0'] },
    { filter: { canSeeNamespace: hidesKubeSystem }, expected: ALL.filter((key) => !key.startsWith('kube-system')) },
    { filter: { canSeeNamespace: () => false }, expected: [] },
    { filter: { namespace: 'kube-system', canSeeNamespace: hidesKubeSystem }, expected: [] },
  ])('filters $filter → $expected', ({ filter, expected }) => {
    expect(keys(filter)).toEqual(expected);
  });

  it.each([
    { search: 'WEB', expected: ['dev/web-0', 'shop/web-0', 'shop/web-1'] }, // name, any case
    { search: 'kube-sys', expected: ['kube-system/coredns-0'] }, // namespace
    { search: 'node-3', expected: ['batch/job-2', 'kube-system/coredns-0'] }, // node
    { search: '10.244.1.', expected: ['shop/api-0', 'shop/web-0'] }, // pod IP
    { search: 'FD00::5', expected: ['shop/web-0'] }, // the second pod IP
    { search: '10.0.0.2', expected: ['batch/job-1', 'dev/web-0', 'shop/web-1'] }, // host IP
    { search: 'acme/api', expected: ['shop/api-0'] }, // image
    { search: 'busybox', expected: ['kube-system/coredns-0'] }, // init container image
    { search: 'nginx:1.27', expected: ALL.filter((key) => key !== 'shop/api-0') },
    { search: 'y', expected: ['kube-system/coredns-0'] }, // one character: busybox, kube-system
    { search: ' web-1 ', expected: ['shop/web-1'] },
    { search: 'web-0shop', expected: [] }, // never across two texts
    { search: 'shop/web-0', expected: [] }, // the key is not a text
    { search: 'zzz', expected: [] },
    { search: 'web\u0000', expected: [] },
  ])('searches "$search" → $expected', ({ search, expected }) => {
    expect(keys({ search })).toEqual(expected);
  });

  it.each([
    { labelSelector: 'app=web', expected: ['dev/web-0', 'shop/web-0', 'shop/web-1'] },
    { labelSelector: 'app==web,tier=frontend', expected: ['shop/web-0', 'shop/web-1'] },
    { labelSelector: 'tier in (frontend,backend)', expected: ['shop/api-0', 'shop/web-0', 'shop/web-1'] },
    {
      labelSelector: 'tier notin (frontend)',
      expected: ALL.filter((key) => key !== 'shop/web-0' && key !== 'shop/web-1'),
    },
    {
      labelSelector: 'app!=web',
      expected: ['batch/job-1', 'batch/job-2', 'dev/gated-0', 'dev/pending-0', 'kube-system/coredns-0', 'shop/api-0'],
    },
    { labelSelector: 'canary', expected: ['shop/web-1'] },
    { labelSelector: '!canary,app=web', expected: ['dev/web-0', 'shop/web-0'] },
    { labelSelector: '!app', expected: ['dev/gated-0', 'dev/pending-0', 'kube-system/coredns-0'] },
    { labelSelector: 'weight>6', expected: ['shop/api-0'] },
    { labelSelector: 'weight<6', expected: ['shop/web-0'] },
    { labelSelector: 'app in (nope)', expected: [] },
  ])('selects labels $labelSelector → $expected', ({ labelSelector, expected }) => {
    expect(keys(parsePodFilter({ labelSelector }))).toEqual(expected);
  });

  it.each([
    {
      fieldSelector: 'status.phase=Running',
      expected: ['dev/web-0', 'kube-system/coredns-0', 'shop/api-0', 'shop/web-0', 'shop/web-1'],
    },
    {
      fieldSelector: 'status.phase!=Running',
      expected: ['batch/job-1', 'batch/job-2', 'dev/gated-0', 'dev/pending-0'],
    },
    { fieldSelector: 'spec.nodeName=', expected: ['dev/gated-0', 'dev/pending-0'] },
    { fieldSelector: 'spec.host=node-1', expected: ['shop/api-0', 'shop/web-0'] },
    { fieldSelector: 'metadata.name=web-0', expected: ['dev/web-0', 'shop/web-0'] },
    { fieldSelector: 'metadata.namespace=shop,metadata.name=web-0', expected: ['shop/web-0'] },
    {
      fieldSelector: 'metadata.namespace!=shop',
      expected: ['batch/job-1', 'batch/job-2', 'dev/gated-0', 'dev/pending-0', 'dev/web-0', 'kube-system/coredns-0'],
    },
    { fieldSelector: 'spec.hostNetwork=true', expected: ['kube-system/coredns-0'] },
    { fieldSelector: 'spec.hostNetwork=false,spec.restartPolicy=Never', expected: ['batch/job-1', 'batch/job-2'] },
    { fieldSelector: 'status.podIP=10.244.1.6', expected: ['shop/api-0'] },
    { fieldSelector: 'status.podIP=', expected: ['batch/job-1', 'batch/job-2', 'dev/gated-0', 'dev/pending-0'] },
    { fieldSelector: 'status.phase=Running,spec.nodeName=node-2', expected: ['dev/web-0', 'shop/web-1'] },
    { fieldSelector: 'metadata.namespace=nope', expected: [] },
  ])('selects fields $fieldSelector → $expected', ({ fieldSelector, expected }) => {
    expect(keys(parsePodFilter({ fieldSelector }))).toEqual(expected);
  });

  // Ties are broken by namespace, then name, ascending in both directions.
  it.each<{ sort: PodSort; expected: string[] }>([
    {
      sort: { by: 'createdAt', order: 'asc' },
      expected: [
        'batch/job-1',
        'kube-system/coredns-0',
        'dev/web-0',
        'shop/api-0',
        'shop/web-0',
        'dev/pending-0',
        'shop/web-1',
        'batch/job-2',
        'dev/gated-0',
      ],
    },
    {
      sort: { by: 'createdAt', order: 'desc' },
      expected: [
        'batch/job-2',
        'dev/gated-0',
        'dev/pending-0',
        'shop/web-1',
        'dev/web-0',
        'shop/api-0',
        'shop/web-0',
        'batch/job-1',
        'kube-system/coredns-0',
      ],
    },
    {
      sort: { by: 'name', order: 'asc' },
      expected: [
        'shop/api-0',
        'kube-system/coredns-0',
        'dev/gated-0',
        'batch/job-1',
        'batch/job-2',
        'dev/pending-0',
        'dev/web-0',
        'shop/web-0',
        'shop/web-1',
      ],
    },
    {
      sort: { by: 'name', order: 'desc' },
      expected: [
        'shop/web-1',
        'dev/web-0',
        'shop/web-0',
        'dev/pending-0',
        'batch/job-2',
        'batch/job-1',
        'dev/gated-0',
        'kube-system/coredns-0',
        'shop/api-0',
      ],
    },
    { sort: { by: 'namespace', order: 'asc' }, expected: ALL },
    {
      sort: { by: 'namespace', order: 'desc' },
      expected: [
        'shop/api-0',
        'shop/web-0',
        'shop/web-1',
        'kube-system/coredns-0',
        'dev/gated-0',
        'dev/pending-0',
        'dev/web-0',
        'batch/job-1',
        'batch/job-2',
      ],
    },
    {
      sort: { by: 'status', order: 'asc' },
      expected: [
        'batch/job-1', // Completed
        'shop/web-1', // CrashLoopBackOff
        'batch/job-2', // Error
        'dev/pending-0', // Pending
        'dev/web-0', // Running …
        'kube-system/coredns-0',
        'shop/api-0',
        'shop/web-0',
        'dev/gated-0', // SchedulingGated
      ],
    },
    {
      sort: { by: 'status', order: 'desc' },
      expected: [
        'dev/gated-0',
        'dev/web-0',
        'kube-system/coredns-0',
        'shop/api-0',
        'shop/web-0',
        'dev/pending-0',
        'batch/job-2',
        'shop/web-1',
        'batch/job-1',
      ],
    },
    {
      sort: { by: 'restarts', order: 'asc' },
      expected: [
        'batch/job-1',
        'batch/job-2',
        'dev/gated-0',
        'dev/pending-0',
        'dev/web-0',
        'shop/api-0',
        'shop/web-0',
        'kube-system/coredns-0',
        'shop/web-1',
      ],
    },
    {
      sort: { by: 'restarts', order: 'desc' },
      expected: [
        'shop/web-1',
        'kube-system/coredns-0',
        'batch/job-1',
        'batch/job-2',
        'dev/gated-0',
        'dev/pending-0',
        'dev/web-0',
        'shop/api-0',
        'shop/web-0',
      ],
    },
    {
      sort: { by: 'nodeName', order: 'asc' }, // no node last
      expected: [
        'shop/api-0',
        'shop/web-0',
        'batch/job-1',
        'dev/web-0',
        'shop/web-1',
        'batch/job-2',
        'kube-system/coredns-0',
        'dev/gated-0',
        'dev/pending-0',
      ],
    },
    {
      sort: { by: 'nodeName', order: 'desc' }, // no node first
      expected: [
        'dev/gated-0',
        'dev/pending-0',
        'batch/job-2',
        'kube-system/coredns-0',
        'batch/job-1',
        'dev/web-0',
        'shop/web-1',
        'shop/api-0',
        'shop/web-0',
      ],
    },
  ])('sorts by $sort.by $sort.order', ({ sort, expected }) => {
    expect(keys({}, sort)).toEqual(expected);
    // the same order for the few matches of a filter
    const few = expected.filter((key) => key.startsWith('shop/') || key.startsWith('dev/'));
    expect(keys({ canSeeNamespace: (namespace) => namespace === 'shop' || namespace === 'dev' }, sort)).toEqual(few);
  });

  it.each<{ filter: PodFilter; sort: PodSort; page: PageRequest; expected: string[]; total: number }>([
    {
      filter: {},
      sort: toPodSort('name'),
      page: { page: 1, pageSize: 4 },
      expected: ['shop/api-0', 'kube-system/coredns-0', 'dev/gated-0', 'batch/job-1'],
      total: 9,
    },
    { filter: {}, sort: toPodSort('name'), page: { page: 3, pageSize: 4 }, expected: ['shop/web-1'], total: 9 },
    { filter: {}, sort: toPodSort('name'), page: { page: 4, pageSize: 4 }, expected: [], total: 9 },
    { filter: {}, sort: toPodSort('name'), page: { page: 9, pageSize: 1 }, expected: ['shop/web-1'], total: 9 },
    { filter: {}, sort: toPodSort('name'), page: { page: 10, pageSize: 1 }, expected: [], total: 9 },
    { filter: {}, sort: toPodSort('name'), page: { page: 1_000_000, pageSize: 500 }, expected: [], total: 9 },
    {
      filter: {},
      sort: toPodSort('status', 'desc'),
      page: { page: 2, pageSize: 3 }, // starts inside the Running group
      expected: ['shop/api-0', 'shop/web-0', 'dev/pending-0'],
      total: 9,
    },
    {
      filter: {},
      sort: toPodSort('createdAt'),
      page: { page: 2, pageSize: 2 },
      expected: ['dev/pending-0', 'shop/web-1'],
      total: 9,
    },
    {
      filter: { namespace: 'shop' },
      sort: toPodSort('name'),
      page: { page: 2, pageSize: 2 },
      expected: ['shop/web-1'],
      total: 3,
    },
    { filter: { statuses: ['running'] }, sort: toPodSort(), page: { page: 2, pageSize: 4 }, expected: [], total: 4 },
    { filter: { namespace: 'nope' }, sort: toPodSort(), page: { page: 1, pageSize: 20 }, expected: [], total: 0 },
  ])(
    'pages $filter by $sort.by $sort.order, $page → $expected of $total',
    ({ filter, sort, page, expected, total }) => {
      const result = answer.query(filter, sort, page);
      expect({ keys: result.items.map((item) => item.key), total: result.total }).toEqual({ keys: expected, total });
    },
  );

  const allStatuses = { Completed: 1, CrashLoopBackOff: 1, Error: 1, Pending: 1, Running: 4, SchedulingGated: 1 };
  const allNamespaces = { batch: 2, dev: 3, 'kube-system': 1, shop: 3 };
  const allNodes = { 'node-1': 2, 'node-2': 3, 'node-3': 2 }; // the two pods bound to no node are in no entry

  it.each<{ name: string; filter: PodFilter; facets: PodFacets }>([
    {
      name: 'no filter: everything',
      filter: {},
      facets: { total: 9, status: allStatuses, namespace: allNamespaces, nodeName: allNodes },
    },
    {
      name: 'a namespace: its pods, and every namespace in the namespace facet',
      filter: { namespace: 'shop' },
      facets: {
        total: 3,
        status: { CrashLoopBackOff: 1, Running: 2 },
        namespace: allNamespaces,
        nodeName: { 'node-1': 2, 'node-2': 1 },
      },
    },
    {
      name: 'a status: every status in the status facet',
      filter: { statuses: ['running'] },
      facets: {
        total: 4,
        status: allStatuses,
        namespace: { dev: 1, 'kube-system': 1, shop: 2 },
        nodeName: { 'node-1': 2, 'node-2': 1, 'node-3': 1 },
      },
    },
    {
      name: 'a node: every node in the node facet',
      filter: { nodeName: 'node-2' },
      facets: {
        total: 3,
        status: { Completed: 1, CrashLoopBackOff: 1, Running: 1 },
        namespace: { batch: 1, dev: 1, shop: 1 },
        nodeName: allNodes,
      },
    },
    {
      name: 'all three: each facet drops only its own',
      filter: { namespace: 'shop', statuses: ['Running'], nodeName: 'node-2' },
      facets: { total: 0, status: { CrashLoopBackOff: 1 }, namespace: { dev: 1 }, nodeName: { 'node-1': 2 } },
    },
    {
      name: 'search narrows every facet',
      filter: { search: 'web' },
      facets: {
        total: 3,
        status: { CrashLoopBackOff: 1, Running: 2 },
        namespace: { dev: 1, shop: 2 },
        nodeName: { 'node-1': 1, 'node-2': 2 },
      },
    },
    {
      name: 'a label selector narrows every facet, the namespace facet drops the namespace',
      filter: { ...parsePodFilter({ labelSelector: 'app=web' }), namespace: 'shop' },
      facets: {
        total: 2,
        status: { CrashLoopBackOff: 1, Running: 1 },
        namespace: { dev: 1, shop: 2 },
        nodeName: { 'node-1': 1, 'node-2': 1 },
      },
    },
    {
      name: 'a field selector on the namespace is not the namespace filter: it narrows every facet',
      filter: parsePodFilter({ fieldSelector: 'metadata.namespace=shop' }),
      facets: {
        total: 3,
        status: { CrashLoopBackOff: 1, Running: 2 },
        namespace: { shop: 3 },
        nodeName: { 'node-1': 2, 'node-2': 1 },
      },
    },
    {
      name: 'an unknown namespace: nothing, but every namespace to choose from',
      filter: { namespace: 'nope' },
      facets: { total: 0, status: {}, namespace: allNamespaces, nodeName: {} },
    },
    {
      name: 'nothing passes the search: no facet has an entry',
      filter: { search: 'zzz', namespace: 'shop' },
      facets: { total: 0, status: {}, namespace: {}, nodeName: {} },
    },
    {
      name: 'grants narrow every facet',
      filter: { canSeeNamespace: hidesKubeSystem },
      facets: {
        total: 8,
        status: { ...allStatuses, Running: 3 },
        namespace: { batch: 2, dev: 3, shop: 3 },
        nodeName: { 'node-1': 2, 'node-2': 3, 'node-3': 1 },
      },
    },
  ])('facets: $name', ({ filter, facets }) => {
    expect(answer.facets(filter)).toEqual(facets);
  });

  it('lists facet values in text order', () => {
    expect(Object.keys(answer.facets({}).status)).toEqual(Object.keys(allStatuses));
  });
});
