/**
 * Logs (issue 17): the built service's log relay against the simulator, both as child processes, measured as a
 * client sees them. Results go into docs/performance.md ("Logs").
 *
 *   node --no-warnings bench/logs.bench.ts [--only relay|streams] [--lines 1000000] [--rounds 5] [--streams 1000]
 *        [--rate 10] [--window 30] [--warm-up 5] [--nodes 10] [--no-build] [--cpu-prof [dir]] [--json <file>]
 *   node --no-warnings bench/logs.bench.ts --summarize <file.cpuprofile>
 *
 * Runs on the project's Node 24 (put node_modules/.bin first on PATH), which strips the types itself: the bench
 * imports no project module, only the benchmarks' harness (bench/harness/, named by its `.ts` files, which Node
 * loads as they are), and uses no TypeScript-only runtime syntax. It builds the service first when a source is newer
 * than dist/main.js (`--no-build` skips that), then:
 *
 * 1. starts the simulator (`npm run sandbox -- --seed <tmp.json> --log-lines <lines> --port 0 --kubeconfig <tmp>
 *    --token <t>`, run as the node command that script names, so that the process measured is the simulator and not
 *    npm) with a seed of `--nodes` Ready worker nodes (110 pods each, as a kubelet's default `maxPods`: 1 000 pods
 *    need 10 of them) and the `bench` namespace; then, for each part, a fresh service as `node dist/main.js` (the
 *    Node flags of `npm run start:prod`, `KUBECONFIG=<tmp>`, `PORT=0`, `DATABASE_URL=sqlite::memory:`,
 *    `LOG_LEVEL=log`, `--inspect=127.0.0.1:0 --expose-gc` for forced collections before memory is read, and
 *    profiles);
 * 2. **relay**: one pod whose container's log holds `--lines` lines of 100 bytes (its start lines, then the rest
 *    written at once through the simulator's `POST /sandbox/logs`). Each of `--rounds` rounds reads that whole log
 *    (a) straight from the simulator (`GET …/pods/relay/log`, lines counted as the bytes arrive), (b) through the
 *    service's WebSocket stream (`subscribe` with `follow: false`, `log` messages counted until `end`) and (c) through
 *    the service's REST download, in an order that rotates from round to round. Each reader is the leanest client we
 *    have (newlines counted in the raw bytes; a WebSocket frame is parsed as JSON only when it is not a `log`), since
 *    it shares the two cores with the simulator and the service. The ratio of (b) to (a) is the issue's goal
 *    (≥ 0.8); every read must see exactly `--lines` lines;
 * 3. **streams**: `--streams` pods, each container writing one 100-byte numbered line every 1000 / `--rate` ms
 *    (`sandbox.podapi.dev/log-every-ms`), created through the API and scheduled and started by the simulated
 *    kubelets; then as many WebSocket clients, each following one pod (`follow: true`, `timestamps: true`,
 *    `tailLines: 0`), opened 50 at a time. After `--warm-up` s, for `--window` s: lines delivered, the delay of each
 *    (the time the bench received it minus the time the kubelet wrote it, its RFC 3339 timestamp: the simulator and
 *    the bench read the same clock), lines lost or out of order (each stream's lines are numbered), the service's
 *    CPU and its event-loop delay (its /metrics). The service's heap + external memory after a forced GC and its RSS,
 *    before the streams and with them all open: the growth per stream. Finally all clients close and the simulator's
 *    `/sandbox/stats` must show their upstream streams released;
 * 4. prints the tables (markdown on stdout, progress on stderr) and exits 1 when a target is missed: relay ≥ 0.8 ×
 *    direct (median of the rounds), every read whole, no line lost or out of order, every stream subscribed.
 *
 * `--cpu-prof [dir]` also samples the service's CPU through the inspector during one extra relay read and during
 * 10 s of the streams' window, writes each `.cpuprofile` and prints where the time goes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { benchArgs, benchCommand, runBench } from './harness/cli.ts';
import { Inspector, memoryAfterGc, type Memory } from './harness/inspector.ts';
import { describeMachine, machineAtStart, type Machine } from './harness/machine.ts';
import { mib, ms, pct, progress, range } from './harness/output.ts';
import { cpuMs, rssMiB, stolenCpuMs, waitUntilIdle } from './harness/proc-stats.ts';
import { childGroup } from './harness/processes.ts';
import { readProfile, summarizeProfile, writeProfile, type ProfileReport } from './harness/profile-summary.ts';
import { buildIfStale, serviceVitals, startService, type Service } from './harness/service.ts';
import { seedObjects, simulatorJson, startSimulator, type Simulator } from './harness/simulator.ts';
import { median, percentile, sum } from './harness/stats.ts';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    lines: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '5' },
    streams: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '10' },
    window: { type: 'string', default: '30' },
    'warm-up': { type: 'string', default: '5' },
    nodes: { type: 'string', default: '10' },
    'no-build': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    summarize: { type: 'string' },
    json: { type: 'string' },
  },
  args: benchArgs(),
});

if (args.only !== undefined && args.only !== 'relay' && args.only !== 'streams')
  throw new Error('--only must be relay or streams');
const RUN_RELAY = args.only !== 'streams';
const RUN_STREAMS = args.only !== 'relay';
const LINES = positive('lines');
const ROUNDS = positive('rounds');
const STREAMS = positive('streams');
const RATE = positive('rate');
const WINDOW_S = positive('window');
const WARM_UP_S = positive('warm-up');
const NODES = positive('nodes');
const PROFILE_DIR = args['cpu-prof'];

// The contract (issue 17).
const TARGET_RELAY_RATIO = 0.8;

const NAMESPACE = 'bench';
/** Each line as the container writes it: 99 characters, 100 bytes with its newline. */
const LINE_LENGTH = 99;
/** Distinct lines of the relayed log's script. */
const SCRIPT_LINES = 100;
/**
 * Distinct lines of a followed pod's script, each starting with its number, so that a gap of fewer lines shows; few, so
 * that the pod (which the service holds while it streams) carries about 1 KiB of annotations, not the 10 of the relay's.
 */
const STREAM_SCRIPT_LINES = 10;
/** `2026-01-01T00:00:00.123456000Z `: the kubelet's timestamp (types.RFC3339NanoFixed) and its space. */
const TIMESTAMP_LENGTH = 31;
/** WebSocket clients connecting at once: well under the listen backlog, since a dropped SYN is retried a second later. */
const CONNECT_CONCURRENCY = 50;

interface ReadStats {
  lines: number;
  bytes: number;
  ms: number;
  /** Lines per second. */
  rate: number;
  /** CPU time of the service and the simulator per line relayed, in µs; the bench's own share of a core. */
  serviceUsPerLine: number;
  simulatorUsPerLine: number;
  benchCpuShare: number;
}

interface RelayRound {
  direct: ReadStats;
  relay: ReadStats;
  download: ReadStats;
  ratio: number;
  /** Milliseconds from the subscribe to `subscribed` (the pod read and the log opened upstream). */
  subscribedMs: number;
}

interface StreamsResults {
  streams: number;
  subscribedAllMs: number;
  subscribeP50: number;
  subscribeP99: number;
  refused: string[];
  simulatorLogStreams: number;
  windowS: number;
  linesDelivered: number;
  linesPerSecond: number;
  /** Lines the kubelets wrote in the window (by their timestamps) that arrived: how many the rate asked for. */
  expectedPerSecond: number;
  delay: { p50: number; p90: number; p99: number; p999: number; max: number; sliceP99s: number[] };
  lost: number;
  outOfOrder: number;
  /** Consecutive lines of a stream written STREAM_SCRIPT_LINES intervals or more apart. */
  longGaps: number;
  otherMessages: number;
  serviceCpuShare: number;
  serviceUsPerLine: number;
  simulatorCpuShare: number;
  benchCpuShare: number;
  stolenMs: number;
  loopDelayMaxMs: number;
  majorGcs: number;
  gcMs: number;
  memory: {
    before: Memory;
    withStreams: Memory;
    peakRssMiB: number;
    afterClose: Memory;
    heapAndExternalPerStreamKiB: number;
    rssPerStreamKiB: number;
    simulatorRssMiB: number;
  };
  releasedMs: number;
}

interface Results {
  machine: Machine;
  command: string;
  relay?: { lines: number; bytes: number; rounds: RelayRound[]; medianRatio: number };
  streams?: StreamsResults;
  failures: string[];
}

async function main(): Promise<number> {
  if (args.summarize) {
    console.log(summarizeProfile(readProfile(args.summarize), PROFILE_REPORT));
    return 0;
  }
  const machine = machineAtStart();
  if (!args['no-build']) buildIfStale();
  const scratch = mkdtempSync(join(os.tmpdir(), 'logs-bench-'));
  const children = childGroup();
  try {
    // 1. The simulator and the service.
    const kubeconfig = join(scratch, 'kubeconfig.yaml');
    const seed = join(scratch, 'seed.json');
    writeFileSync(seed, JSON.stringify(seedObjects(NAMESPACE, NODES)));
    progress(`starting the simulator (${NODES} nodes, ${LINES} log lines kept per container)…`);
    const { simulator } = await startSimulator(
      children,
      ['--seed', seed, '--log-lines', String(LINES)],
      kubeconfig,
      60_000,
    );

    // A service of its own for each part, so that one part's memory does not carry into the other's.
    const startPartService = async (): Promise<Service> => {
      const service = await startService(children, kubeconfig);
      progress(`service listening at ${service.origin} (cluster "${service.clusterId}")`);
      return service;
    };

    const results: Results = {
      machine,
      command: benchCommand(),
      failures: [],
    };
    if (RUN_RELAY) {
      const service = await startPartService();
      results.relay = await relayPart(simulator, service, results.failures);
      await service.stop();
    }
    if (RUN_STREAMS) {
      const service = await startPartService();
      results.streams = await streamsPart(simulator, service, results.failures);
      await service.stop();
    }
    results.machine.loadAverage.end = os.loadavg();
    report(results);
    if (args.json) writeFileSync(args.json, `${JSON.stringify(results, null, 2)}\n`);
    return results.failures.length === 0 ? 0 : 1;
  } finally {
    await children.stopAll();
    rmSync(scratch, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Relay: one long log, read straight from the simulator and through the service

async function relayPart(simulator: Simulator, service: Service, failures: string[]): Promise<Results['relay']> {
  const script = Array.from({ length: SCRIPT_LINES }, (_, i) => appLine(i));
  await createPods(simulator, [podManifest('relay', script)]);
  await waitForRunning(simulator, 1);
  // The start lines are in the log already: the container writes the rest now (its next periodic lines).
  const written = await simulatorJson<{ written: number }>(simulator, '/sandbox/logs', {
    method: 'POST',
    body: { namespace: NAMESPACE, pod: 'relay', lines: LINES - SCRIPT_LINES },
  });
  if (written.written !== LINES - SCRIPT_LINES) throw new Error(`the simulator wrote ${written.written} lines`);
  const podPath = `/api/clusters/${service.clusterId}/namespaces/${NAMESPACE}/pods/relay`;
  const readers = {
    direct: () => readHttp(simulator.url, `/api/v1/namespaces/${NAMESPACE}/pods/relay/log`, simulator.token),
    relay: () => readWebSocket(service, `${podPath}/logs`),
    download: () => readHttp(service.origin, `${podPath}/logs/download`),
  };
  progress(`relay: a log of ${LINES} lines, ${ROUNDS} rounds of direct / WebSocket / download…`);
  await readers.direct(); // warm-up: the first read of each kind pays for connections and compilation
  await readers.relay();
  await readers.download();
  const rounds: RelayRound[] = [];
  const order: (keyof typeof readers)[] = ['direct', 'relay', 'download'];
  for (let round = 0; round < ROUNDS; round++) {
    const measured: Partial<Record<keyof typeof readers, ReadStats>> = {};
    let subscribedMs = Number.NaN;
    // Rotated each round, so that no kind always follows the same one.
    for (const kind of order.map((_, i) => order[(i + round) % order.length])) {
      const result = await measureRead(simulator, service, readers[kind]);
      measured[kind] = result.stats;
      if (kind === 'relay') subscribedMs = result.subscribedMs;
    }
    const { direct, relay, download } = measured as Record<keyof typeof readers, ReadStats>;
    rounds.push({ direct, relay, download, ratio: relay.rate / direct.rate, subscribedMs });
    progress(
      `round ${round + 1}: direct ${kLines(direct.rate)}, WebSocket ${kLines(relay.rate)} (×${(relay.rate / direct.rate).toFixed(2)}), ` +
        `download ${kLines(download.rate)} lines/s`,
    );
  }
  if (PROFILE_DIR) {
    progress('profiling the service during one more WebSocket read…');
    const profiler = await Inspector.connect(service.inspectorUrl);
    await profiler.startProfiling();
    const profiled = await measureRead(simulator, service, readers.relay);
    writeProfile(
      PROFILE_DIR,
      'relay',
      await profiler.stopProfiling(),
      PROFILE_REPORT,
      `${kLines(profiled.stats.rate)} lines/s (profiled)`,
    );
    profiler.close();
  }
  for (const round of rounds)
    for (const [kind, stats] of Object.entries({ direct: round.direct, relay: round.relay, download: round.download }))
      if (stats.lines !== LINES) failures.push(`a ${kind} read saw ${stats.lines} lines of ${LINES}`);
  const medianRatio = median(rounds.map((round) => round.ratio));
  if (medianRatio < TARGET_RELAY_RATIO)
    failures.push(
      `relay: the WebSocket stream carried ${medianRatio.toFixed(2)} × the direct read's lines/s (median), below ${TARGET_RELAY_RATIO}`,
    );
  return { lines: LINES, bytes: rounds[0].direct.bytes, rounds, medianRatio };
}

interface ReadResult {
  lines: number;
  bytes: number;
  ms: number;
  subscribedMs: number;
}

async function measureRead(
  simulator: Simulator,
  service: Service,
  read: () => Promise<ReadResult>,
): Promise<{ stats: ReadStats; subscribedMs: number }> {
  const serviceCpu = cpuMs(service.pid);
  const simulatorCpu = cpuMs(simulator.pid);
  const benchCpu = process.cpuUsage();
  const result = await read();
  const bench = process.cpuUsage(benchCpu);
  return {
    stats: {
      lines: result.lines,
      bytes: result.bytes,
      ms: result.ms,
      rate: (result.lines * 1000) / result.ms,
      serviceUsPerLine: ((cpuMs(service.pid) - serviceCpu) * 1000) / result.lines,
      simulatorUsPerLine: ((cpuMs(simulator.pid) - simulatorCpu) * 1000) / result.lines,
      benchCpuShare: (bench.user + bench.system) / 1000 / result.ms,
    },
    subscribedMs: result.subscribedMs,
  };
}

const httpAgent = new Agent({ keepAlive: true });

/** GETs a text body and counts its lines as the bytes arrive; the time runs from the request to the body's end. */
function readHttp(origin: string, path: string, token?: string): Promise<ReadResult> {
  return new Promise((resolveRead, reject) => {
    const started = performance.now();
    const request = httpRequest(
      `${origin}${path}`,
      { agent: httpAgent, headers: token ? { Authorization: `Bearer ${token}` } : {} },
      (response: IncomingMessage) => {
        if (response.statusCode !== 200) {
          reject(new Error(`GET ${path}: ${response.statusCode}`));
          response.resume();
          return;
        }
        let lines = 0;
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) lines++;
        });
        response.once('end', () =>
          resolveRead({ lines, bytes, ms: performance.now() - started, subscribedMs: Number.NaN }),
        );
        response.once('error', reject);
      },
    );
    request.once('error', reject);
    request.end();
  });
}

/**
 * Subscribes with `follow: false` on a socket opened beforehand (as a client already connected would) and counts
 * `log` messages until `end`; the time runs from the subscribe to `end`.
 */
async function readWebSocket(service: Service, path: string): Promise<ReadResult> {
  const socket = await openSocket(`${service.origin.replace(/^http/, 'ws')}/ws${path.replace(/^\/api/, '')}`);
  try {
    return await new Promise<ReadResult>((resolveRead, reject) => {
      let lines = 0;
      let bytes = 0;
      let subscribedMs = Number.NaN;
      const started = performance.now();
      socket.on('message', (data: Buffer) => {
        if (isLogMessage(data)) {
          lines++;
          bytes += data.length;
          return;
        }
        const message = JSON.parse(data.toString('utf8')) as { type: string; reason?: string; message?: string };
        if (message.type === 'subscribed') subscribedMs = performance.now() - started;
        else if (message.type === 'end' && message.reason === 'Completed')
          resolveRead({ lines, bytes, ms: performance.now() - started, subscribedMs });
        else reject(new Error(`unexpected message: ${data.toString('utf8').slice(0, 300)}`));
      });
      socket.once('close', () => reject(new Error('the service closed the socket')));
      socket.send(JSON.stringify({ type: 'subscribe', follow: false }));
    });
  } finally {
    socket.close();
  }
}

/** `{"type":"log",…`, told from the other messages without parsing it (the service writes `type` first). */
function isLogMessage(data: Buffer): boolean {
  return data.length > 13 && data[9] === 0x6c && data[10] === 0x6f && data[11] === 0x67 && data[12] === 0x22;
}

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolveOpen, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.once('open', () => {
      socket.off('error', reject);
      resolveOpen(socket);
    });
    socket.once('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Streams: many clients, each following one pod that logs at a steady rate

/** One client following one pod: what it received and what was wrong with it. */
class Follower {
  readonly socket: WebSocket;
  subscribed = false;
  subscribeMs = Number.NaN;
  lastSeq = -1;
  lastMicros = -Infinity;
  lost = 0;
  outOfOrder = 0;
  longGaps = 0;
  other: string[] = [];

  constructor(socket: WebSocket) {
    this.socket = socket;
  }
}

async function streamsPart(simulator: Simulator, service: Service, failures: string[]): Promise<StreamsResults> {
  const everyMs = Math.round(1000 / RATE);
  const names = Array.from({ length: STREAMS }, (_, i) => `stream-${String(i).padStart(4, '0')}`);
  const script = Array.from({ length: STREAM_SCRIPT_LINES }, (_, i) => numberedLine(i));
  progress(`streams: creating ${STREAMS} pods, each writing a line every ${everyMs} ms…`);
  const createStarted = performance.now();
  await createPods(
    simulator,
    names.map((name) => podManifest(name, script, everyMs)),
  );
  await waitForRunning(simulator, STREAMS + (RUN_RELAY ? 1 : 0));
  progress(`${STREAMS} pods running after ${((performance.now() - createStarted) / 1000).toFixed(1)} s`);
  await waitUntilIdle(service.pid, 0.05, 60_000); // the pods' creation has settled, or a minute has passed
  const before = await memoryAfterGc(service.inspectorUrl, service.pid);

  // Delivery: every line's delay, and each stream's order, from the first line on; delays counted in the window only.
  const window = { start: Infinity, end: Infinity };
  const delays: number[] = [];
  const delayAt: number[] = [];
  let writtenInWindow = 0;
  const wallNow = () => performance.timeOrigin + performance.now();
  const onMessage = (follower: Follower, data: Buffer) => {
    if (!isLogMessage(data)) {
      const message = JSON.parse(data.toString('utf8')) as { type: string };
      if (message.type === 'subscribed') {
        follower.subscribed = true;
        return;
      }
      follower.other.push(data.toString('utf8').slice(0, 200));
      return;
    }
    const received = wallNow();
    // {"type":"log","data":"2026-01-01T00:00:00.123456000Z 0042 …"}
    const line = data.toString('latin1', 22, 22 + TIMESTAMP_LENGTH + 4);
    const micros = Date.parse(`${line.slice(0, 23)}Z`) * 1000 + Number(line.slice(23, 26));
    const seq = Number(line.slice(TIMESTAMP_LENGTH, TIMESTAMP_LENGTH + 4));
    if (follower.lastSeq >= 0) {
      follower.lost += (seq - follower.lastSeq - 1 + STREAM_SCRIPT_LINES) % STREAM_SCRIPT_LINES;
      if (micros <= follower.lastMicros) follower.outOfOrder++;
      // A loss of a multiple of STREAM_SCRIPT_LINES lines would keep the numbers in turn: it shows as a long gap.
      else if (micros - follower.lastMicros >= STREAM_SCRIPT_LINES * everyMs * 1000) follower.longGaps++;
    }
    follower.lastSeq = seq;
    follower.lastMicros = micros;
    if (received >= window.start && received < window.end) {
      delays.push(received - micros / 1000);
      delayAt.push(received - window.start);
    }
    if (micros / 1000 >= window.start && micros / 1000 < window.end) writtenInWindow++;
  };

  progress(`opening ${STREAMS} WebSocket clients, ${CONNECT_CONCURRENCY} at a time…`);
  const followers: Follower[] = [];
  const refused: string[] = [];
  const subscribeStarted = performance.now();
  const base = `${service.origin.replace(/^http/, 'ws')}/ws/clusters/${service.clusterId}/namespaces/${NAMESPACE}/pods`;
  let next = 0;
  await Promise.all(
    Array.from({ length: CONNECT_CONCURRENCY }, async () => {
      while (next < names.length) {
        const name = names[next++];
        const started = performance.now();
        const socket = await openSocket(`${base}/${name}/logs`);
        const follower = new Follower(socket);
        followers.push(follower);
        socket.on('message', (data: Buffer) => onMessage(follower, data));
        socket.send(JSON.stringify({ type: 'subscribe', follow: true, timestamps: true, tailLines: 0 }));
        const deadline = performance.now() + 30_000;
        while (!follower.subscribed && follower.other.length === 0 && performance.now() < deadline) await sleep(5);
        follower.subscribeMs = performance.now() - started;
        if (!follower.subscribed) refused.push(`${name}: ${follower.other[0] ?? 'no answer in 30 s'}`);
      }
    }),
  );
  const subscribedAllMs = performance.now() - subscribeStarted;
  const subscribeTimes = new Float64Array(followers.map((follower) => follower.subscribeMs)).sort();
  const simulatorLogStreams = (await simulatorJson<{ logStreams: number }>(simulator, '/sandbox/stats')).logStreams;
  progress(
    `${followers.length - refused.length} streams subscribed in ${(subscribedAllMs / 1000).toFixed(1)} s ` +
      `(p99 ${ms(percentile(subscribeTimes, 0.99))} ms each); the simulator serves ${simulatorLogStreams} log streams`,
  );

  progress(`warm-up ${WARM_UP_S} s, then ${WINDOW_S} s measured…`);
  await sleep(WARM_UP_S * 1000);
  await serviceVitals(service.origin); // restarts the service's event-loop delay histogram
  const vitalsBefore = await serviceVitals(service.origin);
  const serviceCpu = cpuMs(service.pid);
  const simulatorCpu = cpuMs(simulator.pid);
  const benchCpu = process.cpuUsage();
  const stolen = stolenCpuMs();
  const lostBefore = sum(followers.map((follower) => follower.lost));
  const outOfOrderBefore = sum(followers.map((follower) => follower.outOfOrder));
  const longGapsBefore = sum(followers.map((follower) => follower.longGaps));
  window.start = wallNow();
  window.end = window.start + WINDOW_S * 1000;
  let peakRss = 0;
  let profiled = false;
  while (wallNow() < window.end) {
    peakRss = Math.max(peakRss, rssMiB(service.pid));
    if (PROFILE_DIR && !profiled && wallNow() > window.start + 5000 && window.end - wallNow() > 12_000) {
      profiled = true;
      progress('profiling the service for 10 s of the window…');
      const profiler = await Inspector.connect(service.inspectorUrl);
      await profiler.startProfiling();
      await sleep(10_000);
      writeProfile(
        PROFILE_DIR,
        'streams',
        await profiler.stopProfiling(),
        PROFILE_REPORT,
        `${STREAMS} streams at ${RATE} lines/s each`,
      );
      profiler.close();
    }
    await sleep(Math.min(1000, Math.max(1, window.end - wallNow())));
  }
  const windowMs = wallNow() - window.start;
  const serviceCpuMs = cpuMs(service.pid) - serviceCpu;
  const simulatorCpuMs = cpuMs(simulator.pid) - simulatorCpu;
  const bench = process.cpuUsage(benchCpu);
  const stolenMs = stolenCpuMs() - stolen;
  const vitalsAfter = await serviceVitals(service.origin);
  const lost = sum(followers.map((follower) => follower.lost)) - lostBefore;
  const outOfOrder = sum(followers.map((follower) => follower.outOfOrder)) - outOfOrderBefore;
  const longGaps = sum(followers.map((follower) => follower.longGaps)) - longGapsBefore;
  // Lines written in the window still arriving: a second's grace, then the count is final.
  await sleep(1000);
  const withStreams = await memoryAfterGc(service.inspectorUrl, service.pid);
  const simulatorRssMiB = rssMiB(simulator.pid);

  const sorted = new Float64Array(delays).sort();
  const SLICE_MS = 10_000;
  const sliceP99s = Array.from({ length: Math.max(1, Math.floor(windowMs / SLICE_MS)) }, (_, k) =>
    percentile(new Float64Array(delays.filter((_, i) => Math.floor(delayAt[i] / SLICE_MS) === k)).sort(), 0.99),
  );
  const otherMessages = sum(followers.map((follower) => follower.other.length)) - refused.length;

  progress(`closing the ${followers.length} clients…`);
  const closeStarted = performance.now();
  for (const follower of followers) follower.socket.close();
  let releasedMs = Number.NaN;
  while (performance.now() - closeStarted < 30_000) {
    if ((await simulatorJson<{ logStreams: number }>(simulator, '/sandbox/stats')).logStreams === 0) {
      releasedMs = performance.now() - closeStarted;
      break;
    }
    await sleep(50);
  }
  const afterClose = await memoryAfterGc(service.inspectorUrl, service.pid);

  const opened = followers.length - refused.length;
  const results: StreamsResults = {
    streams: opened,
    subscribedAllMs,
    subscribeP50: percentile(subscribeTimes, 0.5),
    subscribeP99: percentile(subscribeTimes, 0.99),
    refused,
    simulatorLogStreams,
    windowS: windowMs / 1000,
    linesDelivered: delays.length,
    linesPerSecond: (delays.length * 1000) / windowMs,
    expectedPerSecond: (writtenInWindow * 1000) / windowMs,
    delay: {
      p50: percentile(sorted, 0.5),
      p90: percentile(sorted, 0.9),
      p99: percentile(sorted, 0.99),
      p999: percentile(sorted, 0.999),
      max: sorted[sorted.length - 1] ?? Number.NaN,
      sliceP99s,
    },
    lost,
    outOfOrder,
    longGaps,
    otherMessages,
    serviceCpuShare: serviceCpuMs / windowMs,
    serviceUsPerLine: (serviceCpuMs * 1000) / Math.max(1, delays.length),
    simulatorCpuShare: simulatorCpuMs / windowMs,
    benchCpuShare: (bench.user + bench.system) / 1000 / windowMs,
    stolenMs,
    loopDelayMaxMs: vitalsAfter.loopDelayMaxMs,
    majorGcs: vitalsAfter.majorGcs - vitalsBefore.majorGcs,
    gcMs: vitalsAfter.allGcMs - vitalsBefore.allGcMs,
    memory: {
      before,
      withStreams,
      peakRssMiB: peakRss,
      afterClose,
      heapAndExternalPerStreamKiB:
        ((withStreams.heapUsedMiB + withStreams.externalMiB - before.heapUsedMiB - before.externalMiB) * 1024) /
        Math.max(1, opened),
      rssPerStreamKiB: ((withStreams.rssMiB - before.rssMiB) * 1024) / Math.max(1, opened),
      simulatorRssMiB,
    },
    releasedMs,
  };
  progress(
    `window: ${results.linesPerSecond.toFixed(0)} lines/s delivered, delay p50 ${ms(results.delay.p50)} / p99 ` +
      `${ms(results.delay.p99)} / max ${ms(results.delay.max)} ms; lost ${lost}, out of order ${outOfOrder}; ` +
      `service ${pct(results.serviceCpuShare)} of a core`,
  );
  if (refused.length > 0) failures.push(`${refused.length} streams not subscribed: ${refused.slice(0, 3).join('; ')}`);
  if (lost > 0) failures.push(`${lost} lines lost in the window`);
  if (outOfOrder > 0) failures.push(`${outOfOrder} lines out of order in the window`);
  if (longGaps > 0)
    failures.push(
      `${longGaps} gaps of ${STREAM_SCRIPT_LINES} intervals or more between a stream's lines in the window`,
    );
  if (otherMessages > 0)
    failures.push(
      `${otherMessages} messages other than log lines: ${followers
        .flatMap((follower) => follower.other)
        .slice(0, 3)
        .join('; ')}`,
    );
  if (Number.isNaN(releasedMs))
    failures.push('the upstream log streams were not all released 30 s after the clients left');
  return results;
}

// ---------------------------------------------------------------------------------------------------------------
// The simulated cluster

/** A pod whose one container writes `lines` at start and, with `everyMs`, one more of them at that interval. */
function podManifest(name: string, lines: string[], everyMs?: number): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NAMESPACE,
      labels: { app: name.replace(/-\d+$/, '') },
      annotations: {
        'sandbox.podapi.dev/logs': JSON.stringify(lines),
        ...(everyMs ? { 'sandbox.podapi.dev/log-every-ms': String(everyMs) } : {}),
      },
    },
    spec: { containers: [{ name: 'app', image: 'registry.example.com/bench/app:1.0' }] },
  };
}

/** A JSON-less application line of exactly LINE_LENGTH characters. */
function appLine(i: number): string {
  const text = `level=info ts=run msg="request served" method=GET path=/api/v1/items/${String(i * 7919).padStart(6, '0')} status=200 bytes=${1000 + i}`;
  return text.padEnd(LINE_LENGTH, ' .').slice(0, LINE_LENGTH);
}

/** A line that starts with its 4-digit number in the script. */
function numberedLine(i: number): string {
  return `${String(i).padStart(4, '0')} ${appLine(i)}`.slice(0, LINE_LENGTH);
}

async function createPods(simulator: Simulator, pods: unknown[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < pods.length) {
        const pod = pods[next++];
        await simulatorJson(simulator, `/api/v1/namespaces/${NAMESPACE}/pods`, { method: 'POST', body: pod });
      }
    }),
  );
}

/** Waits until `count` pods of the namespace are Running (the server-side Table form: no pod bodies to parse). */
async function waitForRunning(simulator: Simulator, count: number): Promise<void> {
  const deadline = performance.now() + 300_000;
  for (;;) {
    const table = await simulatorJson<{ rows: unknown[] }>(
      simulator,
      `/api/v1/namespaces/${NAMESPACE}/pods?fieldSelector=status.phase%3DRunning&includeObject=None`,
      { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } },
    );
    if (table.rows.length >= count) return;
    if (performance.now() > deadline) throw new Error(`only ${table.rows.length} of ${count} pods Running in 5 min`);
    await sleep(500);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Profiles

const PROFILE_REPORT: ProfileReport = {
  bench: 'logs',
  areas: [
    ['line splitting (utf8-lines)', (f) => f === 'dist/logs/utf8-lines.js'],
    ['log session: relay, send, flow control', (f) => /^dist\/logs\//.test(f)],
    ['reading the cluster’s response (HTTP client, streams)', (f) => f.startsWith('dist/clusters/kube/')],
    ['WebSocket frames (ws)', (f) => f === 'ws'],
    ['Node streams', (f) => /^node:(internal\/)?streams?\//.test(f) || f === 'node:stream'],
    ['Node HTTP client', (f) => /^node:_http_(client|incoming|common)$/.test(f)],
    ['sockets and writes (net, stream_base)', (f) => /^node:(net|internal\/stream_base_commons)$/.test(f)],
    ['metrics (prom-client)', (f) => f === 'prom-client'],
    ['garbage collector', (_, fn) => fn === '(garbage collector)'],
  ],
  rest: 'the rest',
  top: 25,
};

// ---------------------------------------------------------------------------------------------------------------
// Output

function report(r: Results): void {
  const out = ['## Logs', '', describeMachine(r.machine), `\`${r.command}\``];
  if (r.relay) {
    const { rounds } = r.relay;
    const row = (name: string, pick: (round: RelayRound) => ReadStats) =>
      `| ${name} | ${range(
        rounds.map((round) => pick(round).rate / 1000),
        0,
      )} | ${range(
        rounds.map((round) => (pick(round).bytes * 1000) / pick(round).ms / 1048576),
        1,
      )} | ${range(
        rounds.map((round) => pick(round).serviceUsPerLine),
        2,
      )} | ${range(
        rounds.map((round) => pick(round).simulatorUsPerLine),
        2,
      )} | ${range(
        rounds.map((round) => pick(round).benchCpuShare * 100),
        0,
      )} |`;
    out.push(
      '',
      `### Relay: one log of ${r.relay.lines} lines (${(r.relay.bytes / 1048576).toFixed(1)} MiB), ${rounds.length} rounds`,
      '',
      '| read | k lines/s | MiB/s | service CPU µs/line | simulator CPU µs/line | bench CPU % of a core |',
      '|---|---:|---:|---:|---:|---:|',
      row('straight from the simulator (`pods/log`)', (round) => round.direct),
      row('through the service, WebSocket (`follow: false`)', (round) => round.relay),
      row('through the service, REST download', (round) => round.download),
      '',
      `**WebSocket / direct: ${range(
        rounds.map((round) => round.ratio),
        2,
      )} (median ${r.relay.medianRatio.toFixed(2)}; goal ≥ ${TARGET_RELAY_RATIO})**; download / direct ${range(
        rounds.map((round) => round.download.rate / round.direct.rate),
        2,
      )}; subscribe → \`subscribed\` ${range(
        rounds.map((round) => round.subscribedMs),
        1,
      )} ms`,
      '',
      '| round | direct lines/s | WebSocket lines/s | ratio | download lines/s |',
      '|---:|---:|---:|---:|---:|',
      ...rounds.map(
        (round, i) =>
          `| ${i + 1} | ${round.direct.rate.toFixed(0)} | ${round.relay.rate.toFixed(0)} | ${round.ratio.toFixed(2)} | ${round.download.rate.toFixed(0)} |`,
      ),
    );
  }
  if (r.streams) {
    const s = r.streams;
    const m = s.memory;
    const heapExt = (memory: Memory) => memory.heapUsedMiB + memory.externalMiB;
    const perStream = (mebibytes: number) => ((mebibytes * 1024) / Math.max(1, s.streams)).toFixed(1);
    out.push(
      '',
      `### ${s.streams} following streams at ${RATE} lines/s each, ${s.windowS.toFixed(0)} s measured`,
      '',
      '| measure | result |',
      '|---|---|',
      `| all subscribed (${CONNECT_CONCURRENCY} connecting at a time) | ${(s.subscribedAllMs / 1000).toFixed(1)} s; each: p50 ${ms(s.subscribeP50)} ms, p99 ${ms(s.subscribeP99)} ms; the simulator then served ${s.simulatorLogStreams} log streams |`,
      `| lines delivered | ${s.linesPerSecond.toFixed(0)} lines/s (the kubelets wrote ${s.expectedPerSecond.toFixed(0)} lines/s in the window) |`,
      `| **delivery delay** (received − written) | p50 ${ms(s.delay.p50)} ms, p90 ${ms(s.delay.p90)} ms, **p99 ${ms(s.delay.p99)} ms**, p99.9 ${ms(s.delay.p999)} ms, max ${ms(s.delay.max)} ms; p99 of each 10 s ${s.delay.sliceP99s.map(ms).join(' / ')} ms |`,
      `| lines lost / out of order / other messages | ${s.lost} / ${s.outOfOrder} / ${s.otherMessages} (and ${s.longGaps} gaps of ${(STREAM_SCRIPT_LINES * 1000) / RATE} ms or more between a stream's lines, where the numbering could hide a loss) |`,
      `| service CPU | ${pct(s.serviceCpuShare)} of a core, ${s.serviceUsPerLine.toFixed(1)} µs per line; longest event-loop delay ${ms(s.loopDelayMaxMs)} ms; ${s.majorGcs} major GCs, ${ms(s.gcMs)} ms in GC |`,
      `| simulator / bench CPU | ${pct(s.simulatorCpuShare)} / ${pct(s.benchCpuShare)} of a core; CPU time taken by the host: ${ms(s.stolenMs)} ms |`,
      `| service heap + external after GC: before → with the streams → after they closed | ${mib(heapExt(m.before))} → ${mib(heapExt(m.withStreams))} → ${mib(heapExt(m.afterClose))} MiB |`,
      `| service RSS: before → with the streams (after GC; peak in the window) → after they closed | ${mib(m.before.rssMiB)} → ${mib(m.withStreams.rssMiB)} (${mib(m.peakRssMiB)}) → ${mib(m.afterClose.rssMiB)} MiB |`,
      `| **memory per stream** (growth with the streams open, after GC, over ${s.streams}) | heap + external ${m.heapAndExternalPerStreamKiB.toFixed(1)} KiB (heap ${perStream(m.withStreams.heapUsedMiB - m.before.heapUsedMiB)}, external ${perStream(m.withStreams.externalMiB - m.before.externalMiB)} KiB), RSS ${m.rssPerStreamKiB.toFixed(1)} KiB |`,
      `| simulator RSS with the streams | ${mib(m.simulatorRssMiB)} MiB |`,
      `| upstream streams released after the clients closed | ${Number.isNaN(s.releasedMs) ? 'not within 30 s' : `${ms(s.releasedMs)} ms`} |`,
    );
  }
  out.push(
    '',
    r.failures.length === 0 ? 'All targets met.' : `Targets missed:\n${r.failures.map((f) => `- ${f}`).join('\n')}`,
  );
  console.log(out.join('\n'));
}

function kLines(rate: number): string {
  return `${(rate / 1000).toFixed(0)} k`;
}

function positive(name: 'lines' | 'rounds' | 'streams' | 'rate' | 'window' | 'warm-up' | 'nodes'): number {
  const value = Number(args[name]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

runBench(main);
