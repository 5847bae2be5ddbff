/**
 * Exec (issue 18): the built service's terminals against the simulator's exec subresource, both as child processes,
 * measured as a client sees them. Results go into docs/performance.md ("Exec").
 *
 *   node --no-warnings bench/exec.bench.ts [--only latency,terminals,yes] [--keystrokes 2000] [--warm-up 200]
 *        [--paced-keystrokes 500] [--pause 20] [--terminals 200] [--idle 10] [--yes-seconds 3] [--yes-rounds 3]
 *        [--no-build] [--cpu-prof [dir]] [--json <file>]
 *   node --no-warnings bench/exec.bench.ts --summarize <file.cpuprofile>
 *
 * Runs on the project's Node 24 (put node_modules/.bin first on PATH), which strips the types itself: the bench
 * imports no project module, only the benchmarks' harness (bench/harness/, named by its `.ts` files, which Node
 * loads as they are), and uses no TypeScript-only runtime syntax. It builds the service first when a source is newer
 * than dist/main.js (`--no-build` skips that), then:
 *
 * 1. starts the simulator (`npm run sandbox -- --seed <tmp.json> --port 0 --kubeconfig <tmp> --token <t>`, run as
 *    the node command that script names, so that the process measured is the simulator and not npm) with a seed of
 *    the `bench` namespace and one Ready worker node, creates the pod `shell` (one busybox container) through the API
 *    and waits for it to run; then, for each part, a fresh service as `node dist/main.js` (the Node flags of
 *    `npm run start:prod`, `KUBECONFIG=<tmp>`, `PORT=0`, `DATABASE_URL=sqlite::memory:`, `LOG_LEVEL=log`,
 *    `--inspect=127.0.0.1:0 --expose-gc` for forced collections before memory is read, and profiles), with its
 *    exec settings at their defaults;
 * 2. **latency**: two interactive `/bin/sh` terminals in the pod, both with a TTY and stdin as the service opens
 *    them: (a) straight to the simulator's `pods/exec` over WebSocket (`v5.channel.k8s.io`: channel byte 0 stdin,
 *    1 stdout, 3 the final status; the bench's own minimal client with the simulator's token) and (b) through the
 *    service's terminal WebSocket (`{"type":"input"}` in, `{"type":"output"}` out). Once both show their prompt, the
 *    bench types one character at a time and waits for its echo (the simulated TTY echoes each keystroke as a real
 *    one does), then erases it (DEL, echoed `\b \b`, not measured) so that the line stays empty, on the two
 *    terminals in turn, the one served first alternating from keystroke to keystroke so that noise on the machine
 *    hits both alike. Two series: `--warm-up` then `--keystrokes` back to back (every process busy, its caches warm),
 *    and `--paced-keystrokes` with `--pause` ms before each (every process asleep when the keystroke comes, as
 *    between a person's keystrokes: each hop then pays for waking its process). In each, the median of (b) minus
 *    the median of (a) is what the service adds (the issue's goal: < 1 ms);
 * 3. **terminals**: after one terminal opened, used and closed (the exec code paths warmed up), the service's heap +
 *    external memory after a forced GC and its RSS; then `--terminals` terminals opened through the service (50
 *    connecting at a time), each waiting for its prompt; `--idle` s with all of them open and idle (the service's CPU
 *    meanwhile); its memory again: the growth per terminal. Then every terminal must still echo a keystroke, the
 *    simulator's `/sandbox/stats` must show them all open, and once the clients close, all released;
 * 4. **yes**: `yes` through the service and straight from the simulator, `--yes-rounds` rounds of each (the order
 *    alternating), each reading for `--yes-seconds` s from its first output: MiB/s of terminal output, the CPU time
 *    of the service and the simulator per MiB. Informational (no target);
 * 5. prints the tables (markdown on stdout, progress on stderr) and exits 1 when a target is missed: the service's
 *    added median < 1 ms, every terminal opened and echoing, every session released upstream.
 *
 * `--cpu-prof [dir]` also samples the service's CPU through the inspector during `--keystrokes` more keystrokes
 * through the service and during one more `yes` read through it, writes each `.cpuprofile` and prints where the time
 * goes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
import { buildIfStale, startService, type Service } from './harness/service.ts';
import { seedObjects, simulatorJson, startSimulator, type Simulator } from './harness/simulator.ts';
import { median, percentile } from './harness/stats.ts';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    keystrokes: { type: 'string', default: '2000' },
    'warm-up': { type: 'string', default: '200' },
    'paced-keystrokes': { type: 'string', default: '500' },
    pause: { type: 'string', default: '20' },
    terminals: { type: 'string', default: '200' },
    idle: { type: 'string', default: '10' },
    'yes-seconds': { type: 'string', default: '3' },
    'yes-rounds': { type: 'string', default: '3' },
    'no-build': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    summarize: { type: 'string' },
    json: { type: 'string' },
  },
  args: benchArgs(),
});

const PARTS = ['latency', 'terminals', 'yes'] as const;
type Part = (typeof PARTS)[number];
const ONLY = new Set((args.only ?? PARTS.join(',')).split(',').map((part) => part.trim()));
for (const part of ONLY)
  if (!PARTS.includes(part as Part)) throw new Error(`--only takes a comma list of ${PARTS.join(', ')}`);
const KEYSTROKES = count('keystrokes', 1);
const WARM_UP = count('warm-up', 0);
const PACED_KEYSTROKES = count('paced-keystrokes', 0);
const PAUSE_MS = count('pause', 1);
const TERMINALS = count('terminals', 1);
const IDLE_S = count('idle', 0);
const YES_SECONDS = count('yes-seconds', 1);
const YES_ROUNDS = count('yes-rounds', 1);
const PROFILE_DIR = args['cpu-prof'];

// The contract (issue 18): what a terminal through the service may add to a keystroke's round trip, median.
const TARGET_ADDED_MEDIAN_MS = 1;

const NAMESPACE = 'bench';
const POD = 'shell';
const CONTAINER = 'app';
const SHELL = ['/bin/sh'];
/** The end of the simulated busybox shell's prompt (`/ # `). */
const PROMPT = '# ';
/** Typed in turn, one per keystroke. */
const KEYS = 'abcdefghijklmnopqrstuvwxyz';
/** DEL, as a terminal's Backspace sends it, and its echo: the cursor back, a blank, back again. */
const ERASE = '\x7f';
const ERASE_ECHO = '\b \b';
/** Terminals connecting at once: well under the listen backlog, since a dropped SYN is retried a second later. */
const CONNECT_CONCURRENCY = 50;
/** Longest wait for an expected output (a prompt, an echo) before the bench gives up on that terminal. */
const OUTPUT_TIMEOUT_MS = 10_000;

interface Spread {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** One series of keystrokes, typed on the two terminals in turn. */
interface KeystrokeSeries {
  keystrokes: number;
  warmUp: number;
  /** Between one keystroke (on both terminals) and the next. */
  pauseMs: number;
  direct: Spread;
  service: Spread;
  /** Median of the service minus median of direct: the issue's measure. */
  addedMedianMs: number;
  /** Median of the differences of the keystrokes typed one right after the other on the two terminals. */
  pairedMedianMs: number;
  /**
   * CPU time per keystroke round trip (the measured character and its erasure each count), the service's over its
   * terminal's; whatever else the processes did meanwhile (timers, heartbeats) counts too.
   */
  serviceUsPerKeystroke: number;
  simulatorUsPerKeystroke: number;
  benchCpuShare: number;
  stolenMs: number;
  /** Wall time of the measured keystrokes. */
  seconds: number;
}

interface TerminalsResults {
  asked: number;
  opened: number;
  refused: string[];
  openedAllMs: number;
  openP50: number;
  openP99: number;
  simulatorSessions: number;
  idleS: number;
  idleServiceCpuShare: number;
  echoed: number;
  echoFailures: string[];
  echo: Spread;
  memory: {
    before: Memory;
    withTerminals: Memory;
    peakRssMiB: number;
    afterClose: Memory;
    heapAndExternalPerTerminalKiB: number;
    rssPerTerminalKiB: number;
    simulatorRssMiB: number;
  };
  releasedMs: number;
}

interface YesRead {
  bytes: number;
  ms: number;
  mibPerSecond: number;
  serviceMsPerMiB: number;
  simulatorMsPerMiB: number;
  /** Shares of a core: the one at 100 % sets the rate. */
  serviceCpuShare: number;
  simulatorCpuShare: number;
  benchCpuShare: number;
}

interface YesResults {
  seconds: number;
  rounds: { direct: YesRead; service: YesRead; ratio: number }[];
  medianRatio: number;
}

interface Results {
  machine: Machine;
  command: string;
  latency?: KeystrokeSeries[];
  terminals?: TerminalsResults;
  yes?: YesResults;
  failures: string[];
}

async function main(): Promise<number> {
  if (args.summarize) {
    console.log(summarizeProfile(readProfile(args.summarize), PROFILE_REPORT));
    return 0;
  }
  const machine = machineAtStart();
  if (!args['no-build']) buildIfStale();
  const scratch = mkdtempSync(join(os.tmpdir(), 'exec-bench-'));
  const children = childGroup();
  try {
    // 1. The simulator, the pod and the services.
    const kubeconfig = join(scratch, 'kubeconfig.yaml');
    const seed = join(scratch, 'seed.json');
    writeFileSync(seed, JSON.stringify(seedObjects(NAMESPACE, 1)));
    progress('starting the simulator…');
    const { simulator } = await startSimulator(children, ['--seed', seed], kubeconfig, 60_000);
    await simulatorJson(simulator, `/api/v1/namespaces/${NAMESPACE}/pods`, { method: 'POST', body: podManifest() });
    await waitForRunning(simulator);

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
    const run = async <T>(part: Part, measure: (service: Service) => Promise<T>): Promise<T | undefined> => {
      if (!ONLY.has(part)) return undefined;
      const service = await startPartService();
      const result = await measure(service);
      await service.stop();
      await waitForSessions(simulator, 0);
      return result;
    };
    results.latency = await run('latency', (service) => latencyPart(simulator, service, results.failures));
    results.terminals = await run('terminals', (service) => terminalsPart(simulator, service, results.failures));
    results.yes = await run('yes', (service) => yesPart(simulator, service));
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
// Terminals as the bench drives them

interface OutputWaiter {
  text: string;
  resolve: (at: number) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One interactive terminal: what the bench types, and the output it waits for. Output is kept only while the bench
 * may wait for it; a counting terminal (`yes`) only adds up its bytes.
 */
abstract class BenchTerminal {
  /** Bytes of terminal output received (UTF-8, with the TTY's CR LF). */
  bytes = 0;
  /** The moment the first output arrived, from `performance.now()`. */
  firstOutputAt = Number.NaN;
  /** How the terminal ended, once it has: its exit code, error or close code. */
  ended?: string;
  readonly opened: Promise<void>;
  protected readonly socket: WebSocket;
  private readonly counting: boolean;
  private pending = '';
  private waiter?: OutputWaiter;

  // No parameter properties: Node runs the bench by stripping the types, and they are not only types.
  protected constructor(socket: WebSocket, counting: boolean) {
    this.socket = socket;
    this.counting = counting;
    this.opened = new Promise((resolveOpen, reject) => {
      socket.once('open', () => {
        socket.off('error', reject);
        resolveOpen();
      });
      socket.once('error', reject);
    });
    socket.on('error', () => undefined); // followed by 'close'
    socket.once('close', (code: number) => {
      this.ended ??= `closed with ${code}`;
      this.fail(new Error(`the terminal ended (${this.ended}) with "${printable(this.pending)}" received`));
    });
  }

  abstract type(text: string): void;

  /** Types `keys` and resolves with the milliseconds until `echo` has come back. */
  async keystroke(keys: string, echo: string): Promise<number> {
    this.pending = '';
    const sent = performance.now();
    const arrived = this.waitFor(echo);
    this.type(keys);
    return (await arrived) - sent;
  }

  /** Resolves with the moment `text` arrived in the output (at once if it is there already). */
  waitFor(text: string, timeoutMs = OUTPUT_TIMEOUT_MS): Promise<number> {
    if (this.waiter) throw new Error('one wait at a time');
    if (this.take(text)) return Promise.resolve(performance.now());
    if (this.ended) return Promise.reject(new Error(`the terminal ended (${this.ended})`));
    return new Promise((resolveWait, reject) => {
      const timer = setTimeout(
        () =>
          this.fail(new Error(`no "${printable(text)}" within ${timeoutMs} ms; received "${printable(this.pending)}"`)),
        timeoutMs,
      );
      this.waiter = { text, resolve: resolveWait, reject, timer };
    });
  }

  close(): void {
    this.socket.close();
  }

  /** Called with each piece of output as it arrives, `at` read as the message was received. */
  protected onOutput(bytes: number, decode: () => string, at: number): void {
    this.bytes += bytes;
    if (Number.isNaN(this.firstOutputAt)) this.firstOutputAt = at;
    if (this.counting) return;
    this.pending += decode();
    const waiter = this.waiter;
    if (waiter && this.take(waiter.text)) {
      this.waiter = undefined;
      clearTimeout(waiter.timer);
      waiter.resolve(at);
    } else if (this.pending.length > 65_536) {
      this.pending = this.pending.slice(-4096);
    }
  }

  /** Whether `text` has arrived; if so, the output up to its end is dropped. */
  private take(text: string): boolean {
    const at = this.pending.indexOf(text);
    if (at < 0) return false;
    this.pending = this.pending.slice(at + text.length);
    return true;
  }

  private fail(error: Error): void {
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = undefined;
    clearTimeout(waiter.timer);
    waiter.reject(error);
  }
}

const CHANNEL_STDIN = 0;
const CHANNEL_STDOUT = 1;
const CHANNEL_STATUS = 3;

/**
 * Straight to the simulator's `pods/exec`, as an API server serves it: a minimal client of the remote command
 * protocol over WebSocket (`v5.channel.k8s.io`), each binary message a channel byte and its payload.
 */
class DirectTerminal extends BenchTerminal {
  private readonly decoder = new TextDecoder('utf-8');

  constructor(simulator: Simulator, command: string[], counting = false) {
    const url = new URL(`/api/v1/namespaces/${NAMESPACE}/pods/${POD}/exec`, simulator.url);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('container', CONTAINER);
    for (const word of command) url.searchParams.append('command', word);
    // As the service opens a terminal: stdin and a TTY, whose output is stdout alone.
    for (const stream of ['stdin', 'stdout', 'tty']) url.searchParams.set(stream, 'true');
    super(
      new WebSocket(url, ['v5.channel.k8s.io'], {
        headers: { Authorization: `Bearer ${simulator.token}` },
        perMessageDeflate: false,
      }),
      counting,
    );
    this.socket.on('message', (data: Buffer) => {
      const at = performance.now();
      if (data[0] === CHANNEL_STDOUT && data.length > 1)
        this.onOutput(data.length - 1, () => this.decoder.decode(data.subarray(1), { stream: true }), at);
      else if (data[0] === CHANNEL_STATUS) this.ended = `status ${data.toString('utf8', 1)}`;
    });
  }

  type(text: string): void {
    const payload = Buffer.from(text, 'utf8');
    const frame = Buffer.allocUnsafe(payload.length + 1);
    frame[0] = CHANNEL_STDIN;
    payload.copy(frame, 1);
    this.socket.send(frame);
  }
}

/** Through the service's terminal WebSocket (api.md §5). */
class ServiceTerminal extends BenchTerminal {
  constructor(service: Service, command: string[] | undefined, counting = false) {
    const query = command ? `?${new URLSearchParams({ command: command.join(' ') }).toString()}` : '';
    super(
      new WebSocket(
        `${service.origin.replace(/^http/, 'ws')}/ws/clusters/${service.clusterId}/namespaces/${NAMESPACE}/pods/${POD}/exec${query}`,
        { perMessageDeflate: false },
      ),
      counting,
    );
    this.socket.on('message', (data: Buffer) => {
      const at = performance.now();
      const message = JSON.parse(data.toString('utf8')) as {
        type: string;
        data?: string;
        code?: number;
        reason?: string;
        message?: string;
      };
      if (message.type === 'output') {
        const data = message.data ?? '';
        this.onOutput(Buffer.byteLength(data, 'utf8'), () => data, at);
      } else if (message.type === 'exit') this.ended = `exit ${message.code}`;
      else this.ended = `${message.type} ${message.reason ?? ''}: ${message.message ?? ''}`;
    });
  }

  type(text: string): void {
    this.socket.send(JSON.stringify({ type: 'input', data: text }));
  }
}

/** Opens a shell and waits for its prompt. */
async function openShell(terminal: BenchTerminal): Promise<BenchTerminal> {
  await terminal.opened;
  await terminal.waitFor(PROMPT);
  return terminal;
}

// ---------------------------------------------------------------------------------------------------------------
// Latency: keystroke to echo, straight and through the service, alternating

async function latencyPart(simulator: Simulator, service: Service, failures: string[]): Promise<KeystrokeSeries[]> {
  const terminals: Pair = {
    direct: await openShell(new DirectTerminal(simulator, SHELL)),
    service: await openShell(new ServiceTerminal(service, undefined)),
  };
  progress(`latency: ${WARM_UP} keystrokes of warm-up, then ${KEYSTROKES} measured on each terminal, back to back…`);
  const series = [await typeSeries(terminals, service, simulator, KEYSTROKES, WARM_UP, 0)];
  if (PACED_KEYSTROKES > 0) {
    progress(`latency: ${PACED_KEYSTROKES} keystrokes on each terminal, ${PAUSE_MS} ms apart…`);
    series.push(await typeSeries(terminals, service, simulator, PACED_KEYSTROKES, 0, PAUSE_MS));
  }
  if (PROFILE_DIR) {
    progress(`profiling the service during ${KEYSTROKES} more keystrokes through it, back to back…`);
    const profiler = await Inspector.connect(service.inspectorUrl);
    await profiler.startProfiling();
    const profiled: number[] = [];
    for (let i = 0; i < KEYSTROKES; i++) {
      profiled.push(await terminals.service.keystroke(KEYS[i % KEYS.length], KEYS[i % KEYS.length]));
      await terminals.service.keystroke(ERASE, ERASE_ECHO);
    }
    writeProfile(
      PROFILE_DIR,
      'keystrokes',
      await profiler.stopProfiling(),
      PROFILE_REPORT,
      `${KEYSTROKES} keystrokes and their erasures through the service, echo p50 ${ms(median(profiled))} ms (profiled)`,
    );
    profiler.close();
  }
  terminals.direct.close();
  terminals.service.close();
  for (const one of series) {
    if (!(one.addedMedianMs < TARGET_ADDED_MEDIAN_MS))
      failures.push(
        `latency${one.pauseMs > 0 ? `, ${one.pauseMs} ms apart` : ''}: the service adds ${ms(one.addedMedianMs)} ms to a keystroke's echo (median), not under ${TARGET_ADDED_MEDIAN_MS} ms`,
      );
  }
  return series;
}

interface Pair {
  direct: BenchTerminal;
  service: BenchTerminal;
}

/**
 * Types `warmUp + keystrokes` characters on both terminals, each waited for as its echo, then erased (DEL, its echo
 * waited for and not measured) so that the line stays empty; the terminal served first alternates.
 */
async function typeSeries(
  terminals: Pair,
  service: Service,
  simulator: Simulator,
  keystrokes: number,
  warmUp: number,
  pauseMs: number,
): Promise<KeystrokeSeries> {
  const samples = { direct: [] as number[], service: [] as number[] };
  let mark = cpuMark(service, simulator);
  let started = performance.now();
  for (let i = 0; i < warmUp + keystrokes; i++) {
    if (i === warmUp) {
      mark = cpuMark(service, simulator);
      started = performance.now();
    }
    if (pauseMs > 0) await sleep(pauseMs);
    const key = KEYS[i % KEYS.length];
    const order = i % 2 === 0 ? (['direct', 'service'] as const) : (['service', 'direct'] as const);
    for (const path of order) {
      const elapsed = await terminals[path].keystroke(key, key);
      if (i >= warmUp) samples[path].push(elapsed);
      await terminals[path].keystroke(ERASE, ERASE_ECHO);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = mark.read();
  const direct = spread(samples.direct);
  const viaService = spread(samples.service);
  const series: KeystrokeSeries = {
    keystrokes,
    warmUp,
    pauseMs,
    direct,
    service: viaService,
    addedMedianMs: viaService.p50 - direct.p50,
    pairedMedianMs: median(samples.service.map((value, i) => value - samples.direct[i])),
    // Each measured keystroke is followed by its erasure: two round trips per terminal and keystroke.
    serviceUsPerKeystroke: (cpu.serviceMs * 1000) / (2 * keystrokes),
    simulatorUsPerKeystroke: (cpu.simulatorMs * 1000) / (4 * keystrokes),
    benchCpuShare: cpu.benchMs / (seconds * 1000),
    stolenMs: cpu.stolenMs,
    seconds,
  };
  progress(
    `echo p50: direct ${ms(direct.p50)} ms, through the service ${ms(viaService.p50)} ms ` +
      `(+${ms(series.addedMedianMs)} ms; paired +${ms(series.pairedMedianMs)} ms)`,
  );
  return series;
}

// ---------------------------------------------------------------------------------------------------------------
// Terminals: many idle terminals open through the service at once

async function terminalsPart(simulator: Simulator, service: Service, failures: string[]): Promise<TerminalsResults> {
  // One terminal opened, used and closed first: the memory measured below is the terminals', not the exec code's
  // first run (modules loaded, functions compiled, the audit table's first rows).
  const first = await openShell(new ServiceTerminal(service, undefined));
  await first.keystroke('x', 'x');
  first.close();
  await waitForSessions(simulator, 0);
  await waitUntilIdle(service.pid, 0.05, 60_000); // settled, or a minute has passed
  const before = await memoryAfterGc(service.inspectorUrl, service.pid);

  progress(`terminals: opening ${TERMINALS} through the service, ${CONNECT_CONCURRENCY} at a time…`);
  const open: BenchTerminal[] = [];
  const all: BenchTerminal[] = [];
  const refused: string[] = [];
  const openTimes: number[] = [];
  const openStarted = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONNECT_CONCURRENCY, TERMINALS) }, async () => {
      while (next < TERMINALS) {
        next++;
        const started = performance.now();
        const terminal = new ServiceTerminal(service, undefined);
        all.push(terminal);
        try {
          await openShell(terminal);
          openTimes.push(performance.now() - started);
          open.push(terminal);
        } catch (error) {
          refused.push(error instanceof Error ? error.message : String(error));
        }
      }
    }),
  );
  const openedAllMs = performance.now() - openStarted;
  const simulatorSessions = (await simulatorJson<{ execSessions: number }>(simulator, '/sandbox/stats')).execSessions;
  progress(
    `${open.length} terminals at their prompt in ${(openedAllMs / 1000).toFixed(1)} s; the simulator runs ` +
      `${simulatorSessions} exec sessions; ${IDLE_S} s idle…`,
  );

  const idle = cpuMark(service, simulator);
  const idleStarted = performance.now();
  let peakRss = rssMiB(service.pid);
  while (performance.now() - idleStarted < IDLE_S * 1000) {
    await sleep(Math.min(500, Math.max(1, IDLE_S * 1000 - (performance.now() - idleStarted))));
    peakRss = Math.max(peakRss, rssMiB(service.pid));
  }
  const idleMs = performance.now() - idleStarted;
  const idleServiceCpuShare = idle.read().serviceMs / Math.max(1, idleMs);
  const withTerminals = await memoryAfterGc(service.inspectorUrl, service.pid);
  const simulatorRssMiB = rssMiB(simulator.pid);

  progress(`typing one keystroke into each of the ${open.length} terminals…`);
  const echoes: number[] = [];
  const echoFailures: string[] = [];
  for (const terminal of open) {
    try {
      echoes.push(await terminal.keystroke('x', 'x'));
    } catch (error) {
      echoFailures.push(error instanceof Error ? error.message : String(error));
    }
  }

  progress(`closing the ${all.length} terminals…`);
  const closeStarted = performance.now();
  for (const terminal of all) terminal.close();
  const releasedMs = (await waitForSessions(simulator, 0)) ? performance.now() - closeStarted : Number.NaN;
  const afterClose = await memoryAfterGc(service.inspectorUrl, service.pid);

  const opened = open.length;
  const results: TerminalsResults = {
    asked: TERMINALS,
    opened,
    refused,
    openedAllMs,
    openP50: median(openTimes),
    openP99: percentile(new Float64Array(openTimes).sort(), 0.99),
    simulatorSessions,
    idleS: idleMs / 1000,
    idleServiceCpuShare,
    echoed: echoes.length,
    echoFailures,
    echo: spread(echoes),
    memory: {
      before,
      withTerminals,
      peakRssMiB: peakRss,
      afterClose,
      heapAndExternalPerTerminalKiB:
        ((withTerminals.heapUsedMiB + withTerminals.externalMiB - before.heapUsedMiB - before.externalMiB) * 1024) /
        Math.max(1, opened),
      rssPerTerminalKiB: ((withTerminals.rssMiB - before.rssMiB) * 1024) / Math.max(1, opened),
      simulatorRssMiB,
    },
    releasedMs,
  };
  progress(
    `per terminal: heap + external ${results.memory.heapAndExternalPerTerminalKiB.toFixed(1)} KiB, ` +
      `RSS ${results.memory.rssPerTerminalKiB.toFixed(1)} KiB; ${echoes.length} of ${opened} echoed`,
  );
  if (refused.length > 0)
    failures.push(`terminals: ${refused.length} of ${TERMINALS} did not open: ${refused.slice(0, 3).join('; ')}`);
  if (simulatorSessions !== opened)
    failures.push(`terminals: ${opened} open through the service, but the simulator ran ${simulatorSessions} sessions`);
  if (echoFailures.length > 0)
    failures.push(
      `terminals: ${echoFailures.length} did not echo after the idle time: ${echoFailures.slice(0, 3).join('; ')}`,
    );
  if (Number.isNaN(releasedMs))
    failures.push('terminals: the exec sessions were not all released 30 s after the close');
  return results;
}

// ---------------------------------------------------------------------------------------------------------------
// yes: output throughput, straight and through the service

async function yesPart(simulator: Simulator, service: Service): Promise<YesResults> {
  const readers = {
    direct: () => new DirectTerminal(simulator, ['yes'], true),
    service: () => new ServiceTerminal(service, ['yes'], true),
  };
  progress(`yes: ${YES_ROUNDS} rounds of ${YES_SECONDS} s straight from the simulator and through the service…`);
  await readYes(simulator, service, readers.direct, 1); // warm-up: the first read of each pays for compilation
  await readYes(simulator, service, readers.service, 1);
  const rounds: YesResults['rounds'] = [];
  for (let round = 0; round < YES_ROUNDS; round++) {
    const order = round % 2 === 0 ? (['direct', 'service'] as const) : (['service', 'direct'] as const);
    const measured: Partial<Record<'direct' | 'service', YesRead>> = {};
    for (const kind of order) measured[kind] = await readYes(simulator, service, readers[kind], YES_SECONDS);
    const { direct, service: viaService } = measured as Record<'direct' | 'service', YesRead>;
    rounds.push({ direct, service: viaService, ratio: viaService.mibPerSecond / direct.mibPerSecond });
    progress(
      `round ${round + 1}: direct ${direct.mibPerSecond.toFixed(1)} MiB/s, through the service ` +
        `${viaService.mibPerSecond.toFixed(1)} MiB/s (×${(viaService.mibPerSecond / direct.mibPerSecond).toFixed(2)})`,
    );
  }
  if (PROFILE_DIR) {
    progress('profiling the service during one more read through it…');
    const profiler = await Inspector.connect(service.inspectorUrl);
    await profiler.startProfiling();
    const profiled = await readYes(simulator, service, readers.service, YES_SECONDS);
    writeProfile(
      PROFILE_DIR,
      'yes',
      await profiler.stopProfiling(),
      PROFILE_REPORT,
      `${profiled.mibPerSecond.toFixed(1)} MiB/s (profiled)`,
    );
    profiler.close();
  }
  return { seconds: YES_SECONDS, rounds, medianRatio: median(rounds.map((round) => round.ratio)) };
}

/** Reads `yes` for `seconds` from its first output, then closes it and waits for the session's release upstream. */
async function readYes(
  simulator: Simulator,
  service: Service,
  open: () => BenchTerminal,
  seconds: number,
): Promise<YesRead> {
  const terminal = open();
  await terminal.opened;
  while (Number.isNaN(terminal.firstOutputAt)) {
    if (terminal.ended) throw new Error(`yes ended before its first output: ${terminal.ended}`);
    await sleep(1);
  }
  const mark = cpuMark(service, simulator);
  const bytesBefore = terminal.bytes;
  const started = performance.now();
  await sleep(seconds * 1000);
  const bytes = terminal.bytes - bytesBefore;
  const elapsed = performance.now() - started;
  const cpu = mark.read();
  if (terminal.ended) throw new Error(`yes ended while read: ${terminal.ended}`);
  terminal.close();
  if (!(await waitForSessions(simulator, 0))) throw new Error('a yes session was not released in 30 s');
  const mebibytes = bytes / 1048576;
  return {
    bytes,
    ms: elapsed,
    mibPerSecond: (mebibytes * 1000) / elapsed,
    serviceMsPerMiB: cpu.serviceMs / mebibytes,
    simulatorMsPerMiB: cpu.simulatorMs / mebibytes,
    serviceCpuShare: cpu.serviceMs / elapsed,
    simulatorCpuShare: cpu.simulatorMs / elapsed,
    benchCpuShare: cpu.benchMs / elapsed,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The simulated cluster

/** The pod every terminal runs in: one busybox container. */
function podManifest(): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: POD, namespace: NAMESPACE, labels: { app: POD } },
    spec: { containers: [{ name: CONTAINER, image: 'busybox:1.37' }] },
  };
}

async function waitForRunning(simulator: Simulator): Promise<void> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    const pod = await simulatorJson<{ status?: { phase?: string } }>(
      simulator,
      `/api/v1/namespaces/${NAMESPACE}/pods/${POD}`,
    );
    if (pod.status?.phase === 'Running') return;
    if (performance.now() > deadline) throw new Error(`pod ${POD} not Running in 60 s`);
    await sleep(200);
  }
}

/** Waits (up to 30 s) until the simulator runs `count` exec sessions; false if it never did. */
async function waitForSessions(simulator: Simulator, count: number): Promise<boolean> {
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    const stats = await simulatorJson<{ execSessions: number }>(simulator, '/sandbox/stats');
    if (stats.execSessions === count) return true;
    await sleep(50);
  }
  return false;
}

/** CPU time of the service, the simulator, the bench and the host's stealing from here until `read()`. */
function cpuMark(
  service: Service,
  simulator: Simulator,
): { read: () => { serviceMs: number; simulatorMs: number; benchMs: number; stolenMs: number } } {
  const serviceCpu = cpuMs(service.pid);
  const simulatorCpu = cpuMs(simulator.pid);
  const benchCpu = process.cpuUsage();
  const stolen = stolenCpuMs();
  return {
    read: () => {
      const bench = process.cpuUsage(benchCpu);
      return {
        serviceMs: cpuMs(service.pid) - serviceCpu,
        simulatorMs: cpuMs(simulator.pid) - simulatorCpu,
        benchMs: (bench.user + bench.system) / 1000,
        stolenMs: stolenCpuMs() - stolen,
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Profiles

const PROFILE_REPORT: ProfileReport = {
  bench: 'exec',
  areas: [
    ['terminal session (src/exec)', (f) => /^dist\/exec\//.test(f)],
    ['exec channel to the cluster (clusters/kube)', (f) => f.startsWith('dist/clusters/kube/')],
    ['client message parsing and validation (common/ws)', (f) => /^dist\/common\/ws\//.test(f)],
    ['class-validator, class-transformer', (f) => f === 'class-validator' || f === 'class-transformer'],
    ['audit (src/audit)', (f) => /^dist\/audit\//.test(f)],
    ['WebSocket frames (ws)', (f) => f === 'ws'],
    ['Node streams', (f) => /^node:(internal\/)?streams?\//.test(f) || f === 'node:stream'],
    ['sockets and writes (net, stream_base)', (f) => /^node:(net|internal\/stream_base_commons)$/.test(f)],
    ['timers', (f) => /^node:(internal\/)?timers$/.test(f)],
    ['metrics (prom-client)', (f) => f === 'prom-client'],
    ['garbage collector', (_, fn) => fn === '(garbage collector)'],
  ],
  rest: 'the rest',
  top: 25,
};

// ---------------------------------------------------------------------------------------------------------------
// Output

function report(r: Results): void {
  const out = ['## Exec', '', describeMachine(r.machine), `\`${r.command}\``];
  if (r.latency) {
    const row = (name: string, s: Spread) =>
      `| ${name} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.max)} | ${ms(s.mean)} |`;
    for (const l of r.latency) {
      out.push(
        '',
        `### Keystroke → echo, ${l.pauseMs > 0 ? `${l.pauseMs} ms apart` : 'back to back'}: ${l.keystrokes} keystrokes on each terminal, alternating` +
          (l.warmUp > 0 ? `, after ${l.warmUp} of warm-up` : ''),
        '',
        '| terminal, interactive `/bin/sh` with a TTY | p50 ms | p90 ms | p99 ms | max ms | mean ms |',
        '|---|---:|---:|---:|---:|---:|',
        row('straight to the simulator (`pods/exec`, `v5.channel.k8s.io`)', l.direct),
        row('through the service (terminal WebSocket)', l.service),
        row('service − direct, column by column', {
          p50: l.service.p50 - l.direct.p50,
          p90: l.service.p90 - l.direct.p90,
          p99: l.service.p99 - l.direct.p99,
          max: l.service.max - l.direct.max,
          mean: l.service.mean - l.direct.mean,
        }),
        '',
        `**Added by the service: ${ms(l.addedMedianMs)} ms median (goal < ${TARGET_ADDED_MEDIAN_MS} ms)**; ` +
          `median of the paired differences ${ms(l.pairedMedianMs)} ms. CPU per keystroke round trip: service ` +
          `${l.serviceUsPerKeystroke.toFixed(0)} µs, simulator ${l.simulatorUsPerKeystroke.toFixed(0)} µs; bench ` +
          `${pct(l.benchCpuShare)} of a core; ${l.seconds.toFixed(1)} s measured; CPU time taken by the host ` +
          `${l.stolenMs.toFixed(0)} ms`,
      );
    }
  }
  if (r.terminals) {
    const t = r.terminals;
    const m = t.memory;
    const heapExt = (memory: Memory) => memory.heapUsedMiB + memory.externalMiB;
    const perTerminal = (mebibytes: number) => ((mebibytes * 1024) / Math.max(1, t.opened)).toFixed(1);
    out.push(
      '',
      `### ${t.asked} idle terminals open through the service at once`,
      '',
      '| measure | result |',
      '|---|---|',
      `| opened, each at its prompt (${CONNECT_CONCURRENCY} connecting at a time) | ${t.opened} of ${t.asked} in ${(t.openedAllMs / 1000).toFixed(1)} s; each: p50 ${ms(t.openP50)} ms, p99 ${ms(t.openP99)} ms; the simulator then ran ${t.simulatorSessions} exec sessions |`,
      `| service CPU with all of them idle for ${t.idleS.toFixed(0)} s | ${pct(t.idleServiceCpuShare)} of a core |`,
      `| service heap + external after GC: before → with the terminals → after they closed | ${mib(heapExt(m.before))} → ${mib(heapExt(m.withTerminals))} → ${mib(heapExt(m.afterClose))} MiB |`,
      `| service RSS: before → with the terminals (after GC; peak while idle) → after they closed | ${mib(m.before.rssMiB)} → ${mib(m.withTerminals.rssMiB)} (${mib(m.peakRssMiB)}) → ${mib(m.afterClose.rssMiB)} MiB |`,
      `| **memory per terminal** (growth with the terminals open, after GC, over ${t.opened}) | heap + external ${m.heapAndExternalPerTerminalKiB.toFixed(1)} KiB (heap ${perTerminal(m.withTerminals.heapUsedMiB - m.before.heapUsedMiB)}, external ${perTerminal(m.withTerminals.externalMiB - m.before.externalMiB)} KiB), RSS ${m.rssPerTerminalKiB.toFixed(1)} KiB |`,
      `| simulator RSS with the terminals | ${mib(m.simulatorRssMiB)} MiB |`,
      `| **echo afterwards**, one keystroke in each, one terminal after the other | ${t.echoed} of ${t.opened}; p50 ${ms(t.echo.p50)} ms, p99 ${ms(t.echo.p99)} ms, max ${ms(t.echo.max)} ms |`,
      `| exec sessions released upstream after the clients closed | ${Number.isNaN(t.releasedMs) ? 'not within 30 s' : `${ms(t.releasedMs)} ms`} |`,
    );
  }
  if (r.yes) {
    const { rounds } = r.yes;
    const row = (name: string, pick: (round: YesResults['rounds'][number]) => YesRead) => {
      const column = (value: (read: YesRead) => number, digits: number) =>
        range(
          rounds.map((round) => value(pick(round))),
          digits,
        );
      return (
        `| ${name} | ${column((read) => read.mibPerSecond, 1)} | ${column((read) => read.serviceMsPerMiB, 1)} | ` +
        `${column((read) => read.simulatorMsPerMiB, 1)} | ${column((read) => read.serviceCpuShare * 100, 0)} / ` +
        `${column((read) => read.simulatorCpuShare * 100, 0)} / ${column((read) => read.benchCpuShare * 100, 0)} |`
      );
    };
    out.push(
      '',
      `### \`yes\` through a terminal: ${rounds.length} rounds of ${r.yes.seconds} s each way (informational)`,
      '',
      '| read | MiB/s of terminal output | service CPU ms/MiB | simulator CPU ms/MiB | service / simulator / bench, % of a core |',
      '|---|---:|---:|---:|---:|',
      row('straight from the simulator (`pods/exec`)', (round) => round.direct),
      row('through the service (terminal WebSocket)', (round) => round.service),
      '',
      `Through the service / direct: ${range(
        rounds.map((round) => round.ratio),
        2,
      )} (median ${r.yes.medianRatio.toFixed(2)})`,
    );
  }
  out.push(
    '',
    r.failures.length === 0 ? 'All targets met.' : `Targets missed:\n${r.failures.map((f) => `- ${f}`).join('\n')}`,
  );
  console.log(out.join('\n'));
}

function spread(values: number[]): Spread {
  const sorted = new Float64Array(values).sort();
  return {
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: values.length === 0 ? Number.NaN : values.reduce((total, value) => total + value, 0) / values.length,
  };
}

/** Control characters shown as escapes, for error messages. */
function printable(text: string): string {
  return JSON.stringify(text.slice(-200)).slice(1, -1);
}

function count(
  name: 'keystrokes' | 'warm-up' | 'paced-keystrokes' | 'pause' | 'terminals' | 'idle' | 'yes-seconds' | 'yes-rounds',
  min: number,
): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer of at least ${min}`);
  return value;
}

runBench(main);
