/**
 * The pod list over HTTP at scale (issue 5): the built service against the simulator's 100 000 pods, both as child
 * processes, measured as a client sees them. Results go into docs/performance.md ("Pod list over HTTP").
 *
 *   node --no-warnings bench/pods-list.bench.ts [--pods 100000] [--duration 10] [--paced-duration 30]
 *        [--query-duration 3] [--connections 10] [--first-query <query>] [--no-build] [--cpu-prof [dir]]
 *        [--json <file>]
 *   node --no-warnings bench/pods-list.bench.ts --summarize <file.cpuprofile>
 *
 * Runs on the project's Node 24 (put node_modules/.bin first on PATH), which strips the types itself: the bench
 * imports no project module, only the benchmarks' harness (bench/harness/, named by its `.ts` files, which Node
 * loads as they are), and uses no TypeScript-only runtime syntax. It builds the service first when a source is newer
 * than dist/main.js (`--no-build` skips that), then:
 *
 * 1. starts the simulator (`npm run sandbox -- --pods N --port 0 --kubeconfig <tmp> --token <t>`, run as the node
 *    command that script names, so that the process measured is the simulator and not npm) and waits for its ready
 *    line;
 * 2. starts `node dist/main.js` with the Node flags of `npm run start:prod`, `KUBECONFIG=<tmp>`, `PORT=0`,
 *    `DATABASE_URL=sqlite::memory:`, `LOG_LEVEL=log` (`warn` would hide the `service.listening` line that gives the
 *    URL; requests are logged only at `debug`), `--inspect=127.0.0.1:0`, through which the bench profiles and runs
 *    `gc()` before reading memory, and `--expose-gc` for that (see `memoryAfterGc` in harness/inspector.ts);
 * 3. times the first synced cache: from the first list request (`--first-query`, default a page with no filter; it
 *    starts the cluster's cache and is itself answered from the API server) until the service answers from its
 *    synced cache. The cache opens its watch right after its LIST has been applied (index built, `synced` set), so
 *    the simulator's `/sandbox/stats` reporting a watch marks the moment; the next list request (`status=Running`,
 *    which before the sync reads every pod from the API server: seconds) is timed to confirm it is answered at once.
 *    Meanwhile `/healthz` is polled every 50 ms: its longest wait is the longest stall of the service's event loop;
 * 4. reads both processes' RSS (`/proc/<pid>/status`) and the service's heap + external memory after a forced GC,
 *    before and after the sync: their growth over the pods cached is the cache's memory per pod;
 * 5. with autocannon, on the same connection settings, back to back: `/healthz`, a mix of list queries (every
 *    filter, several sort keys, deep pages, two filters that change on every request; each a page of 20),
 *    `/healthz` again. The list rate over the mean healthz rate is the contract's ratio. Then the same mix at half
 *    the healthz rate, sent at a steady pace by the bench's own open-loop client (autocannon's `overallRate` sends
 *    each second's quota in a burst at the start of the second, which measures saturation again), latency counted
 *    from each request's scheduled time, for `--paced-duration` s (p99 also given for each 10 s). Every run also
 *    reports the service's CPU time per request (/proc/<pid>/stat), which does not depend on how fast the client is;
 * 6. each list query and each facets query alone (autocannon, `--query-duration` s), and a facets mix;
 * 7. prints the tables (markdown on stdout, progress on stderr) and exits 1 when a target is missed: list mix rate
 *    ≥ 0.5 × healthz rate, and at half the healthz rate p99 < 50 ms with that rate sustained (≥ 95 %), no failures.
 *
 * `--cpu-prof [dir]` (default the temp folder) also samples the service's CPU through the inspector during the sync
 * and during extra runs after the measurements (list mix, facets mix, healthz, list without filter), writes each
 * `.cpuprofile` (Chrome DevTools opens them) and prints where the time goes: by area, by function (self and
 * inclusive), by file or package. Profiling slows the service: read its numbers as shares, not rates. `--summarize`
 * prints that summary again for a saved profile.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { benchArgs, benchCommand, runBench } from './harness/cli.ts';
import { Inspector, memoryAfterGc, type Memory } from './harness/inspector.ts';
import { loadAverages, machineAtStart, type Machine } from './harness/machine.ts';
import { mib, ms, pct, progress } from './harness/output.ts';
import { cpuMs, rssMiB, stolenCpuMs, waitUntilIdle } from './harness/proc-stats.ts';
import { childGroup } from './harness/processes.ts';
import { readProfile, summarizeProfile, writeProfile, type ProfileReport } from './harness/profile-summary.ts';
import { buildIfStale, getJson, serviceVitals, startService } from './harness/service.ts';
import { simulatorJson, startSimulator } from './harness/simulator.ts';
import { percentile } from './harness/stats.ts';
import type { Query } from './query-mixes.js';

const { values: args } = parseArgs({
  options: {
    pods: { type: 'string', default: '100000' },
    duration: { type: 'string', default: '10' },
    'paced-duration': { type: 'string', default: '30' },
    'query-duration': { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    'no-build': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'first-query': { type: 'string', default: '' },
    summarize: { type: 'string' },
    json: { type: 'string' },
  },
  args: benchArgs(),
});

const POD_COUNT = positive('pods');
const DURATION_S = positive('duration');
const QUERY_DURATION_S = positive('query-duration');
const PACED_DURATION_S = positive('paced-duration');
const CONNECTIONS = positive('connections');
const PROFILE_DIR = args['cpu-prof'];
const FIRST_QUERY = args['first-query'];

// The contract (issue 5).
const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 50;
const SUSTAINED_SHARE = 0.95;

/** A request path, or one made anew for each request. */
type Path = string | (() => string);

// The project's seeded PRNG and the benchmarks' query mixes, loaded from their sources in main(): this script runs on
// Node's type stripping, without a build.
const PRNG_SOURCE = '../src/common/mulberry32.ts';
const MIXES_SOURCE = './query-mixes.ts';

function pathOf(path: Path): string {
  return typeof path === 'string' ? path : path();
}

interface LoadStats {
  name: string;
  /** 2xx responses per second. */
  rps: number;
  p50: number;
  p99: number;
  max: number;
  requests: number;
  failures: number;
  /** The service's CPU time (user + system) per answered request, and its busy share of one core. */
  cpuMsPerRequest: number;
  serviceCpuShare: number;
  /** The bench's own CPU share (autocannon or the paced client) over the run. */
  clientCpuShare: number;
}

/** The service under load: where to send requests, and whose CPU time to count. */
interface Target {
  origin: string;
  pid: number;
}

interface PacedStats extends LoadStats {
  targetRps: number;
  /** The same percentiles from the moment each request was actually sent (the pacing's own lag left out). */
  sentP50: number;
  sentP99: number;
  /** Requests never sent because the service had fallen a second behind (counted in `failures`). */
  notSent: number;
  perQuery: { name: string; p50: number; p99: number }[];
  /** p99 of each consecutive 10 s of the run (by due time): how much one stretch of it decides the whole. */
  sliceP99s: number[];
}

interface Results {
  machine: Machine & {
    /** CPU time the host took from this machine during the paced run (`stolenCpuMs`). */
    pacedStolenMs: number;
  };
  command: string;
  pods: number;
  sync: {
    firstRequestMs: number;
    watchOpenedMs: number;
    firstSyncedAnswerMs: number;
    syncedAnswerLatencyMs: number;
    longestHealthzWaitMs: number;
  };
  memory: {
    serviceBefore: Memory;
    serviceAfterSyncRssMiB: number;
    serviceAfterSync: Memory;
    serviceAfterLoad: Memory;
    simulatorReadyRssMiB: number;
    simulatorAfterSyncRssMiB: number;
    bytesPerPodHeapAndExternal: number;
    bytesPerPodRss: number;
  };
  totals: Record<string, number>;
  healthz: LoadStats[];
  listMix: LoadStats;
  ratio: number;
  paced: PacedStats;
  listQueries: LoadStats[];
  facetsMix: LoadStats;
  facetQueries: LoadStats[];
  failures: string[];
}

async function main(): Promise<number> {
  const { mulberry32 } = (await import(PRNG_SOURCE)) as typeof import('../src/common/mulberry32.js');
  const { queryMixes } = (await import(MIXES_SOURCE)) as typeof import('./query-mixes.js');
  // Every query is checked to answer 200 before it is measured, and its total is printed.
  const mixes = queryMixes(mulberry32(5));
  if (args.summarize) {
    console.log(summarizeProfile(readProfile(args.summarize), PROFILE_REPORT));
    return 0;
  }
  const machine = machineAtStart();
  if (!args['no-build']) buildIfStale();
  const scratch = mkdtempSync(join(os.tmpdir(), 'pods-list-bench-'));
  const children = childGroup();
  try {
    // 1. The simulator.
    const kubeconfig = join(scratch, 'kubeconfig.yaml');
    progress(`starting the simulator with ${POD_COUNT} pods…`);
    const { simulator, ready } = await startSimulator(children, ['--pods', String(POD_COUNT)], kubeconfig, 180_000);
    const simulatorReadyRss = rssMiB(simulator.pid);
    progress(`simulator ready in ${ready.startupMs} ms: ${ready.pods} pods, RSS ${simulatorReadyRss.toFixed(0)} MiB`);
    const stats = async () => (await simulatorJson<{ watches: number }>(simulator, '/sandbox/stats')).watches;

    // 2. The service.
    const service = await startService(children, kubeconfig);
    const { origin, inspectorUrl, clusterId } = service;
    const target: Target = { origin, pid: service.pid };
    const listPath = (query: string) => `/api/clusters/${clusterId}/pods?pageSize=20${query ? `&${query}` : ''}`;
    const listPathOf = (query: Query): Path => (typeof query === 'string' ? listPath(query) : () => listPath(query()));
    const facetsPath = (query: string) => `/api/clusters/${clusterId}/pods/facets${query ? `?${query}` : ''}`;
    await getJson(`${origin}/healthz`);
    const serviceBefore = await memoryAfterGc(inspectorUrl, service.pid);
    progress(`service listening at ${origin} (cluster "${clusterId}"), RSS ${serviceBefore.rssMiB.toFixed(0)} MiB`);

    // 3. Time to the first synced cache.
    const syncProfiler = PROFILE_DIR ? await Inspector.connect(inspectorUrl) : undefined;
    await syncProfiler?.startProfiling();
    const sync = await measureSync(origin, listPath, stats);
    const serviceAfterSyncRss = rssMiB(service.pid);
    if (syncProfiler) {
      writeProfile(PROFILE_DIR!, 'sync', await syncProfiler.stopProfiling(), PROFILE_REPORT);
      syncProfiler.close();
    }
    const simulatorAfterSyncRss = rssMiB(simulator.pid);
    progress(
      `first synced answer ${ms(sync.firstSyncedAnswerMs)} ms after the first request (watch open at ${ms(sync.watchOpenedMs)} ms; ` +
        `first request ${ms(sync.firstRequestMs)} ms; longest /healthz wait ${ms(sync.longestHealthzWaitMs)} ms)`,
    );

    // 4. Memory once synced.
    const serviceAfterSync = await memoryAfterGc(inspectorUrl, service.pid);
    const pods = await totalOf(`${origin}${listPath('')}`);
    const cacheBytes = (after: Memory) =>
      ((after.heapUsedMiB + after.externalMiB - serviceBefore.heapUsedMiB - serviceBefore.externalMiB) * 1048576) /
      pods;

    // Every query answers 200; its total is printed beside it.
    const totals: Record<string, number> = {};
    for (const [name, query] of mixes.list)
      totals[`list: ${name}`] = await totalOf(`${origin}${pathOf(listPathOf(query))}`);
    for (const [name, query] of mixes.facets)
      totals[`facets: ${name}`] = await totalOf(`${origin}${facetsPath(query)}`);

    // 5. healthz, the list mix, healthz; then the list mix paced at half the healthz rate.
    const listMix = mixes.list.map(([, query]) => listPathOf(query));
    const facetsMix = mixes.facets.map(([, query]) => facetsPath(query));
    progress('warming up…');
    await cannon('warm-up list', target, listMix, 3);
    await cannon('warm-up facets', target, facetsMix, 2);
    await cannon('warm-up healthz', target, ['/healthz'], 2);
    progress(`healthz / list mix / healthz, ${DURATION_S} s each, ${CONNECTIONS} connections…`);
    const healthz1 = await cannon('/healthz (before)', target, ['/healthz'], DURATION_S);
    const list = await cannon(`list mix (${listMix.length} queries)`, target, listMix, DURATION_S);
    const healthz2 = await cannon('/healthz (after)', target, ['/healthz'], DURATION_S);
    const healthzRps = (healthz1.rps + healthz2.rps) / 2;
    const ratio = list.rps / healthzRps;
    progress(
      `healthz ${healthz1.rps.toFixed(0)} / ${healthz2.rps.toFixed(0)} req/s, list mix ${list.rps.toFixed(0)} req/s: ratio ${ratio.toFixed(2)}`,
    );
    const targetRps = Math.round(healthzRps * TARGET_RATIO);
    progress(`list mix paced at ${targetRps} req/s for ${PACED_DURATION_S} s…`);
    // Two seconds at the same rate first, not counted (as wrk2 calibrates before it measures): the first second
    // after the idle pause answers at ~100 ms, the measured run is the steady state that the target is about.
    await serviceVitals(origin); // restarts the event-loop delay histogram for the warm-up
    const stolenBeforeWarmUp = stolenCpuMs();
    await pacedRun(
      target,
      mixes.list.map(([name, query]) => [name, listPathOf(query)]),
      targetRps,
      2,
    );
    const vitalsBefore = await serviceVitals(origin); // also restarts the service's event-loop delay histogram
    progress(
      `warm-up, in the service: longest event-loop delay ${ms(vitalsBefore.loopDelayMaxMs)} ms; CPU time taken by ` +
        `the host: ${ms(stolenCpuMs() - stolenBeforeWarmUp)} ms`,
    );
    const stolenBefore = stolenCpuMs();
    const paced = await pacedRun(
      target,
      mixes.list.map(([name, query]) => [name, listPathOf(query)]),
      targetRps,
      PACED_DURATION_S,
    );
    const vitalsAfter = await serviceVitals(origin);
    const pacedStolenMs = stolenCpuMs() - stolenBefore;
    progress(
      `paced: ${paced.rps.toFixed(0)} req/s, p50 ${ms(paced.p50)} ms, p99 ${ms(paced.p99)} ms ` +
        `(each 10 s: ${paced.sliceP99s.map(ms).join(' / ')} ms)`,
    );
    progress(
      `paced, in the service: longest event-loop delay ${ms(vitalsAfter.loopDelayMaxMs)} ms; garbage collections: ` +
        `${vitalsAfter.majorGcs - vitalsBefore.majorGcs} major (${ms(vitalsAfter.majorGcMs - vitalsBefore.majorGcMs)} ms), ` +
        `${ms(vitalsAfter.allGcMs - vitalsBefore.allGcMs)} ms in all; CPU time the host took from this machine: ` +
        `${ms(pacedStolenMs)} ms`,
    );
    // After an overload, the service may still be answering abandoned requests: wait until it is idle again.
    if (!(await waitUntilIdle(target.pid, 0.1, 180_000)))
      throw new Error('the service stayed busy for 3 minutes after the paced run');

    // 6. Each query alone, and facets.
    progress(`each query alone, ${QUERY_DURATION_S} s each…`);
    const listQueries: LoadStats[] = [];
    for (const [name, query] of mixes.list)
      listQueries.push(await cannon(name, target, [listPathOf(query)], QUERY_DURATION_S));
    const facetsMixStats = await cannon(`facets mix (${facetsMix.length} queries)`, target, facetsMix, DURATION_S);
    const facetQueries: LoadStats[] = [];
    for (const [name, query] of mixes.facets)
      facetQueries.push(await cannon(name, target, [facetsPath(query)], QUERY_DURATION_S));
    const serviceAfterLoad = await memoryAfterGc(inspectorUrl, service.pid);

    if (PROFILE_DIR) {
      for (const [phase, paths] of [
        ['list', listMix],
        ['facets', facetsMix],
        ['healthz', ['/healthz']],
        ['list-no-filter', [listPath('')]],
      ] as const) {
        progress(`profiling the service during the ${phase} mix, ${DURATION_S} s…`);
        const profiler = await Inspector.connect(inspectorUrl);
        await profiler.startProfiling();
        const profiled = await cannon(`${phase} (profiled)`, target, [...paths], DURATION_S);
        writeProfile(
          PROFILE_DIR,
          phase,
          await profiler.stopProfiling(),
          PROFILE_REPORT,
          `profiled run: ${profiled.rps.toFixed(0)} req/s, service CPU ${ms(profiled.cpuMsPerRequest)} ms per request (${(100 * profiled.serviceCpuShare).toFixed(0)} % of a core)`,
        );
        profiler.close();
      }
    }

    const failures: string[] = [];
    if (ratio < TARGET_RATIO)
      failures.push(
        `list mix ${list.rps.toFixed(0)} req/s is ${ratio.toFixed(2)} × healthz's ${healthzRps.toFixed(0)}, below ${TARGET_RATIO}`,
      );
    if (paced.p99 >= TARGET_P99_MS)
      failures.push(`p99 at ${targetRps} req/s is ${ms(paced.p99)} ms, not under ${TARGET_P99_MS} ms`);
    if (paced.rps < SUSTAINED_SHARE * targetRps)
      failures.push(`the paced run reached ${paced.rps.toFixed(0)} of ${targetRps} req/s`);
    for (const run of [healthz1, list, healthz2, paced, ...listQueries, facetsMixStats, ...facetQueries])
      if (run.failures > 0) failures.push(`${run.name}: ${run.failures} failed requests`);

    machine.loadAverage.end = os.loadavg();
    const results: Results = {
      machine: { ...machine, pacedStolenMs },
      command: benchCommand(),
      pods,
      sync,
      memory: {
        serviceBefore,
        serviceAfterSyncRssMiB: serviceAfterSyncRss,
        serviceAfterSync,
        serviceAfterLoad,
        simulatorReadyRssMiB: simulatorReadyRss,
        simulatorAfterSyncRssMiB: simulatorAfterSyncRss,
        bytesPerPodHeapAndExternal: cacheBytes(serviceAfterSync),
        bytesPerPodRss: ((serviceAfterSync.rssMiB - serviceBefore.rssMiB) * 1048576) / pods,
      },
      totals,
      healthz: [healthz1, healthz2],
      listMix: list,
      ratio,
      paced: { ...paced, targetRps },
      listQueries,
      facetsMix: facetsMixStats,
      facetQueries,
      failures,
    };
    report(results);
    if (args.json) writeFileSync(args.json, `${JSON.stringify(results, null, 2)}\n`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    await children.stopAll();
    rmSync(scratch, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Sync

async function measureSync(
  origin: string,
  listPath: (query: string) => string,
  watches: () => Promise<number>,
): Promise<Results['sync']> {
  const deadline = performance.now() + 600_000;
  const t0 = performance.now();
  let firstRequestMs = -1;
  const first = fetch(`${origin}${listPath(FIRST_QUERY)}`).then(async (response) => {
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`the first list request answered ${response.status}`);
    firstRequestMs = performance.now() - t0;
  });

  // The service's event loop while it lists and indexes: the longest a /healthz waited.
  let longestHealthzWaitMs = 0;
  let syncing = true;
  const pinging = (async () => {
    while (syncing) {
      const sent = performance.now();
      await getJson(`${origin}/healthz`);
      longestHealthzWaitMs = Math.max(longestHealthzWaitMs, performance.now() - sent);
      await sleep(50);
    }
  })();

  let watchOpenedMs = -1;
  while (watchOpenedMs < 0) {
    if (performance.now() > deadline) throw new Error('the cache did not sync within 10 minutes');
    if ((await watches()) > 0) watchOpenedMs = performance.now() - t0;
    else await sleep(50);
  }
  let firstSyncedAnswerMs = -1;
  let syncedAnswerLatencyMs = -1;
  while (firstSyncedAnswerMs < 0) {
    const sent = performance.now();
    const response = await fetch(`${origin}${listPath('status=Running')}`);
    await response.arrayBuffer();
    const latency = performance.now() - sent;
    // Before the sync this query reads every pod from the API server: seconds. From the index: milliseconds.
    if (response.status === 200 && latency < 1000) {
      firstSyncedAnswerMs = performance.now() - t0;
      syncedAnswerLatencyMs = latency;
    } else if (performance.now() > deadline) throw new Error('no fast answer after the watch opened');
  }
  syncing = false;
  await Promise.all([first, pinging]);
  return { firstRequestMs, watchOpenedMs, firstSyncedAnswerMs, syncedAnswerLatencyMs, longestHealthzWaitMs };
}

// ---------------------------------------------------------------------------------------------------------------
// Load

async function cannon(name: string, target: Target, paths: Path[], durationS: number): Promise<LoadStats> {
  const cpu = startCpuCount(target.pid);
  const result = await autocannon({
    url: target.origin,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: durationS,
    requests: paths.map((path) =>
      typeof path === 'string'
        ? { method: 'GET', path }
        : { method: 'GET', path: path(), setupRequest: (request) => ({ ...request, path: path() }) },
    ),
  });
  const ok = result['2xx'];
  return {
    name,
    rps: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    requests: ok + result.non2xx,
    failures: result.non2xx + result.errors + result.timeouts,
    ...cpu.stop(ok),
  };
}

/** Counts the service's and the bench's CPU time from now; `stop` gives them per answered request and as shares. */
function startCpuCount(pid: number): {
  stop: (answered: number) => Pick<LoadStats, 'cpuMsPerRequest' | 'serviceCpuShare' | 'clientCpuShare'>;
} {
  const started = performance.now();
  const serviceStart = cpuMs(pid);
  const clientStart = process.cpuUsage();
  return {
    stop(answered) {
      const wall = performance.now() - started;
      const service = cpuMs(pid) - serviceStart;
      const client = process.cpuUsage(clientStart);
      return {
        cpuMsPerRequest: service / Math.max(1, answered),
        serviceCpuShare: service / wall,
        clientCpuShare: (client.user + client.system) / 1000 / wall,
      };
    },
  };
}

/**
 * Open loop: request i is due at start + i / rate, whatever the earlier ones are doing (undici's pool of 64 keep-alive
 * connections, opened before the clock starts as a client's connection pool would be: opening hundreds at once when
 * the first answers are a little late overflows the listen queue, and a dropped SYN costs a second or more to
 * retransmit, which measures the TCP stack, not the service); latency counts from when it was due, including any
 * wait for a free connection. The client shares the machine's two cores with the service, so it is the leanest we
 * have: undici's `dispatch` took 130–190 µs of CPU per request here where `http.get` took 195–235 (a trivial
 * server, 12 kB answers, 2 600 req/s). An overloaded service ends the run early instead of queueing without bound: once a second's
 * worth of requests is waiting, nothing more is sent, and the requests not sent, or unanswered 5 s after the last one
 * was due, count as failures (with the time they had waited).
 */
async function pacedRun(
  target: Target,
  queries: [name: string, path: Path][],
  rate: number,
  durationS: number,
): Promise<Omit<PacedStats, 'targetRps'>> {
  const GRACE_MS = 5000;
  const maxOutstanding = Math.max(64, Math.ceil(rate));
  const CONNECTIONS = 64;
  const pool = new Pool(target.origin, { connections: CONNECTIONS, pipelining: 1 });
  /** Sends a GET; `done` gets whether it was answered 200 (the body is read and dropped). */
  const get = (path: string, done: (ok: boolean) => void) => {
    let status = 0;
    // undici refuses a handler without onRequestStart or onResponseData, even when they have nothing to do.
    pool.dispatch(
      { method: 'GET', path },
      {
        onRequestStart: () => {},
        onResponseStart: (_controller, statusCode) => (status = statusCode),
        onResponseData: () => {},
        onResponseEnd: () => done(status === 200),
        onResponseError: () => done(false),
      },
    );
  };
  await Promise.all(
    Array.from(
      { length: CONNECTIONS },
      () =>
        new Promise<void>((resolve, reject) =>
          get('/healthz', (ok) => (ok ? resolve() : reject(new Error('/healthz did not answer 200')))),
        ),
    ),
  );
  const count = Math.max(1, Math.round(rate * durationS));
  const fromDue = new Float64Array(count);
  const fromSent = new Float64Array(count);
  const settled = new Uint8Array(count);
  const start = performance.now() + 10;
  const dueAt = (i: number) => start + (i * 1000) / rate;
  const cpu = startCpuCount(target.pid);
  let done = 0;
  let failures = 0;
  let notSent = 0;
  let lastEnd = start;
  await new Promise<void>((resolveRun) => {
    const settle = (i: number, sent: number, ok: boolean) => {
      if (settled[i] === 1) return;
      settled[i] = 1;
      const end = performance.now();
      if (ok) lastEnd = Math.max(lastEnd, end);
      else failures++;
      fromDue[i] = end - dueAt(i);
      fromSent[i] = end - sent;
      if (++done === count) resolveRun();
    };
    const send = (i: number) => {
      const sent = performance.now();
      get(pathOf(queries[i % queries.length][1]), (ok) => settle(i, sent, ok));
    };
    let next = 0;
    const tick = () => {
      const due = Math.min(count, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      while (next < due && next - done < maxOutstanding) send(next++);
      if (next < due) {
        progress(
          `paced run: ${maxOutstanding} requests waiting at ${((performance.now() - start) / 1000).toFixed(1)} s, overloaded: stopping`,
        );
        for (let i = next; i < count; i++) {
          settle(i, 0, false);
          fromDue[i] = fromSent[i] = Number.NaN; // never sent: a failure, but no latency
          notSent++;
        }
        next = count;
      }
      if (next < count) setTimeout(tick, 1);
    };
    setTimeout(tick, 10);
    setTimeout(
      () => {
        for (let i = 0; i < count; i++) settle(i, dueAt(i), false);
      },
      dueAt(count - 1) + GRACE_MS - performance.now(),
    ).unref();
  });
  await pool.destroy();
  // Where in the run the slow answers were (by when they were due): a stall shows as a few slow windows, an
  // overload as a latency that grows to the end.
  const windowMax = new Map<number, number>();
  fromDue.forEach((latency, i) => {
    if (!(latency > TARGET_P99_MS)) return;
    const at = Math.floor((dueAt(i) - start) / 250) * 0.25;
    windowMax.set(at, Math.max(windowMax.get(at) ?? 0, latency));
  });
  if (windowMax.size > 0) {
    const windows = [...windowMax].map(([at, ms]) => `${at.toFixed(2)} s: ${Math.round(ms)} ms`);
    progress(
      `paced run: answers over ${TARGET_P99_MS} ms were due in ${windows.length} of the 250 ms windows: ${windows.slice(0, 12).join(', ')}`,
    );
  }
  const sent = (values: Float64Array) => values.filter((value) => !Number.isNaN(value));
  const sortedDue = sent(fromDue).sort();
  const sortedSent = sent(fromSent).sort();
  const perQuery = queries.map(([name], q) => {
    const own = sent(fromDue.filter((_, i) => i % queries.length === q)).sort();
    return { name, p50: percentile(own, 0.5), p99: percentile(own, 0.99) };
  });
  const SLICE_S = 10;
  const sliceP99s = Array.from({ length: Math.max(1, Math.floor(durationS / SLICE_S)) }, (_, k) => {
    const first = Math.round(k * SLICE_S * rate);
    return percentile(sent(fromDue.slice(first, Math.min(count, first + Math.round(SLICE_S * rate)))).sort(), 0.99);
  });
  return {
    name: `list mix paced (${queries.length} queries)`,
    rps: (count - failures) / ((lastEnd - start) / 1000),
    p50: percentile(sortedDue, 0.5),
    p99: percentile(sortedDue, 0.99),
    max: sortedDue[sortedDue.length - 1],
    sentP50: percentile(sortedSent, 0.5),
    sentP99: percentile(sortedSent, 0.99),
    requests: count,
    failures,
    notSent,
    perQuery,
    sliceP99s,
    ...cpu.stop(count - failures),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Profiles

// Frames that wrap whole requests (the metrics middleware, the request context, Nest's router) are deliberately
// absent from the areas, so that what runs inside them keeps its own area.
const PROFILE_REPORT: ProfileReport = {
  bench: 'pods-list',
  areas: [
    [
      'PodIndex: plan, scans, search, label index, order walk (and its build)',
      (f) => /^dist\/pods\/(pod-index|label-sets|text-chunks|sorted-order|intern-table|scratch)\.js$/.test(f),
    ],
    [
      'filter parsing and facet output (pod-query, selectors)',
      (f) => /^dist\/(pods\/pod-query|common\/kube\/)/.test(f),
    ],
    [
      'page assembly: PodsService, toPodSummary',
      (f) => /^dist\/pods\/(pods\.service|pods\.controller|indexed-pod|pod-status|dto\/)/.test(f),
    ],
    [
      'query DTO validation (ValidationPipe, class-transformer, class-validator)',
      (f, _, url) =>
        /^(class-validator|class-transformer|reflect-metadata)$/.test(f) ||
        (f === '@nestjs/common' && !url.includes('/services/')),
    ],
    [
      'logging (Nest Logger calls, also when the level drops them)',
      (f, _, url) => url.includes('/@nestjs/common/services/') || f.startsWith('dist/common/logging/'),
    ],
    ['ETag of each response body (express default)', (f) => f === 'etag'],
    [
      'response: envelope, JSON.stringify, express send',
      (f, fn) =>
        f === 'rxjs' ||
        f.startsWith('dist/common/envelope/') ||
        (f === 'express' && /^(json|send|stringify)$/.test(fn)),
    ],
    ['metrics (prom-client)', (f) => f === 'prom-client'],
    [
      'reading LIST pages from the API server (HTTP client, JSON.parse)',
      (f) => f.startsWith('dist/clusters/kube/') || f === 'node:_http_client',
    ],
    ['pod cache: relist, trim, keys', (f) => f === 'dist/clusters/pod-cache.js'],
    ['garbage collector', (_, fn) => fn === '(garbage collector)'],
  ],
  rest: 'the rest: Node HTTP, express router, Nest core, middleware',
  top: 30,
};

// ---------------------------------------------------------------------------------------------------------------
// Output

function report(r: Results): void {
  const m = r.memory;
  const cpu = (s: LoadStats) => `${ms(s.cpuMsPerRequest)} | ${pct(s.serviceCpuShare)} | ${pct(s.clientCpuShare)}`;
  const line = (s: LoadStats, name = s.name) =>
    `| ${name} | ${s.rps.toFixed(0)} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.max)} | ${s.failures} | ${cpu(s)} |`;
  const head =
    '| run | req/s | p50 ms | p99 ms | max ms | failed | service CPU ms/req | service busy | bench busy |\n' +
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|';
  const healthzCpu = (r.healthz[0].cpuMsPerRequest + r.healthz[1].cpuMsPerRequest) / 2;
  const out = [
    `## Pod list over HTTP — ${r.pods} pods`,
    '',
    `${r.machine.nproc} CPUs (${r.machine.cpu}), Node ${r.machine.node}, load average ${loadAverages(r.machine)}; ` +
      `CPU time taken by the host during the paced run ` +
      `${ms(r.machine.pacedStolenMs)} ms; autocannon ${CONNECTIONS} connections, pipelining 1, ${DURATION_S} s runs`,
    `\`${r.command}\``,
    '',
    '| measure | result |',
    '|---|---|',
    `| first synced answer, from the first list request | ${(r.sync.firstSyncedAnswerMs / 1000).toFixed(1)} s (watch open at ${(r.sync.watchOpenedMs / 1000).toFixed(1)} s; that answer took ${ms(r.sync.syncedAnswerLatencyMs)} ms) |`,
    `| the first list request itself (\`${FIRST_QUERY || 'no filter'}\`, from the API server) | ${(r.sync.firstRequestMs / 1000).toFixed(1)} s |`,
    `| longest /healthz wait during the sync | ${ms(r.sync.longestHealthzWaitMs)} ms |`,
    `| service heap + external after GC, before → synced → after load | ${mib(m.serviceBefore.heapUsedMiB + m.serviceBefore.externalMiB)} → ${mib(m.serviceAfterSync.heapUsedMiB + m.serviceAfterSync.externalMiB)} → ${mib(m.serviceAfterLoad.heapUsedMiB + m.serviceAfterLoad.externalMiB)} MiB |`,
    `| service RSS: before → at sync → synced, after GC → after load, after GC | ${mib(m.serviceBefore.rssMiB)} → ${mib(m.serviceAfterSyncRssMiB)} → ${mib(m.serviceAfterSync.rssMiB)} → ${mib(m.serviceAfterLoad.rssMiB)} MiB |`,
    `| cache memory per pod (heap + external, after GC) | ${m.bytesPerPodHeapAndExternal.toFixed(0)} B |`,
    `| RSS growth per pod (after GC) | ${m.bytesPerPodRss.toFixed(0)} B |`,
    `| simulator RSS, ready → after the service's sync | ${mib(m.simulatorReadyRssMiB)} → ${mib(m.simulatorAfterSyncRssMiB)} MiB |`,
    `| **list mix / healthz** | **${r.ratio.toFixed(2)}** (target ≥ ${TARGET_RATIO}) |`,
    `| service CPU per request: list mix / healthz | ${ms(r.listMix.cpuMsPerRequest)} / ${ms(healthzCpu)} ms (the ratio of capacities on one core: ${(healthzCpu / r.listMix.cpuMsPerRequest).toFixed(2)}) |`,
    `| **p99 at ${r.paced.targetRps} req/s (half of healthz)** | **${ms(r.paced.p99)} ms** (target < ${TARGET_P99_MS}); p50 ${ms(r.paced.p50)} ms; p99 of each 10 s ${r.paced.sliceP99s.map(ms).join(' / ')} ms; counted from sending, p99 ${ms(r.paced.sentP99)} ms; sustained ${r.paced.rps.toFixed(0)} req/s; of ${r.paced.requests} requests ${r.paced.failures} failed or unanswered${r.paced.notSent > 0 ? `, ${r.paced.notSent} of them not sent (a second's worth was waiting: overloaded)` : ''} |`,
    '',
    head,
    line(r.healthz[0]),
    line(r.listMix),
    line(r.healthz[1]),
    line(r.paced, `${r.paced.name} at ${r.paced.targetRps} req/s`),
    line(r.facetsMix),
    '',
    `Each list query alone (page of 20; saturated, ${QUERY_DURATION_S} s each), and its latency within the paced mix:`,
    '',
    '| list query | total | req/s | p50 ms | p99 ms | service CPU ms/req | paced p50 ms | paced p99 ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...r.listQueries.map((s, i) => {
      const paced = r.paced.perQuery[i];
      return `| ${s.name} | ${r.totals[`list: ${s.name}`]} | ${s.rps.toFixed(0)} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.cpuMsPerRequest)} | ${ms(paced.p50)} | ${ms(paced.p99)} |`;
    }),
    '',
    '| facets query | total | req/s | p50 ms | p99 ms | service CPU ms/req |',
    '|---|---:|---:|---:|---:|---:|',
    ...r.facetQueries.map(
      (s) =>
        `| ${s.name} | ${r.totals[`facets: ${s.name}`]} | ${s.rps.toFixed(0)} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.cpuMsPerRequest)} |`,
    ),
    '',
    r.failures.length === 0 ? 'All targets met.' : `Targets missed:\n${r.failures.map((f) => `- ${f}`).join('\n')}`,
  ];
  console.log(out.join('\n'));
}

function positive(name: 'pods' | 'duration' | 'paced-duration' | 'query-duration' | 'connections'): number {
  const value = Number(args[name]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

async function totalOf(url: string): Promise<number> {
  return (await getJson<{ data: { total: number } }>(url)).data.total;
}

runBench(main);
