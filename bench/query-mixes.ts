/**
 * The list and facets queries both benchmarks send: pods-list.bench.ts over HTTP, pod-index.bench.ts to the index in
 * process. They are written for the simulator's generated cluster (src/sandbox/seed/generated-pods.ts), where these
 * values exist with 100 000 pods (smaller runs may match nothing for some). No imports: pods-list.bench.ts loads this
 * file through Node's type stripping, without a build.
 */

/** A query string, or one made anew for each request. */
export type Query = string | (() => string);

export interface QueryMixes {
  list: [name: string, query: Query][];
  facets: [name: string, query: string][];
}

/** The generator's namespace names (generated-pods.ts): the teams, then `<team>-2`, `<team>-3`… */
const TEAMS = [
  ...['shop', 'payments', 'search', 'identity', 'media', 'ads'],
  ...['logistics', 'analytics', 'notifications', 'billing', 'catalog', 'support'],
];

function namespaceName(index: number): string {
  const team = TEAMS[index % TEAMS.length];
  return index < TEAMS.length ? team : `${team}-${Math.floor(index / TEAMS.length) + 1}`;
}

/**
 * The mixes. The two queries that differ on every request draw from `random`: the project's seeded PRNG gives the
 * same sequence on every run.
 */
export function queryMixes(random: () => number): QueryMixes {
  const hex = (length: number) => {
    let text = '';
    for (let i = 0; i < length; i++) text += Math.floor(random() * 16).toString(16);
    return text;
  };
  return {
    list: [
      ['no filter (createdAt desc)', ''],
      ['no filter, name asc, page 2000', 'sortBy=name&page=2000'],
      ['namespace (0.4 %)', 'namespace=shop'],
      ['namespace, restarts desc', 'namespace=payments-8&sortBy=restarts&sortOrder=desc'],
      ['status=Running (86 %)', 'status=Running'],
      ['status=CrashLoopBackOff,Error, restarts desc', 'status=CrashLoopBackOff,Error&sortBy=restarts&sortOrder=desc'],
      ['nodeName (0.1 %)', 'nodeName=scale-node-0432'],
      ['search name fragment "worker-4"', 'search=worker-4'],
      ['search IP prefix "10.101.17"', 'search=10.101.17'],
      ['search image "envoy"', 'search=envoy'],
      ['labelSelector tier=web', `labelSelector=${encodeURIComponent('tier=web')}`],
      [
        'labelSelector tier in (api,gateway),app!=api-3',
        `labelSelector=${encodeURIComponent('tier in (api,gateway),app!=api-3')}`,
      ],
      ['fieldSelector status.phase=Running', `fieldSelector=${encodeURIComponent('status.phase=Running')}`],
      ['fieldSelector spec.nodeName=', `fieldSelector=${encodeURIComponent('spec.nodeName=scale-node-0100')}`],
      ['namespace + status, name asc', 'namespace=shop&status=Running&sortBy=name'],
      ['status=Running, nodeName asc, page 500', 'status=Running&sortBy=nodeName&page=500'],
      ['search "api" + status, status desc', 'search=api&status=Running&sortBy=status&sortOrder=desc'],
      [
        'namespace + labelSelector + search',
        `namespace=shop&labelSelector=${encodeURIComponent('tier=api')}&search=api-1`,
      ],
      // Filters that differ from one request to the next, so that no answer can be reused from an earlier request.
      [
        'namespace, a different one each request (of 256)',
        () => `namespace=${namespaceName(Math.floor(random() * 256))}`,
      ],
      ['search, a different 4-hex-digit needle each request', () => `search=${hex(4)}`],
    ],
    facets: [
      ['no filter', ''],
      ['namespace', 'namespace=shop'],
      ['status=Running', 'status=Running'],
      ['namespace + status + nodeName', 'namespace=shop&status=Running&nodeName=scale-node-0432'],
      ['search "web"', 'search=web'],
      ['labelSelector tier=web', `labelSelector=${encodeURIComponent('tier=web')}`],
      ['fieldSelector status.phase=Running', `fieldSelector=${encodeURIComponent('status.phase=Running')}`],
    ],
  };
}
