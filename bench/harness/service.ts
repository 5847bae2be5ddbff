/**
 * The service under measure: built when a source is newer than dist/, run as `npm run start:prod` runs it (plus the
 * inspector), and read through its own endpoints.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { progress } from './output.ts';
import { type ChildGroup, ROOT } from './processes.ts';

export interface Service {
  origin: string;
  pid: number;
  /** The inspector's WebSocket URL (see inspector.ts). */
  inspectorUrl: string;
  /** The one cluster the service knows: the simulator of its kubeconfig. */
  clusterId: string;
  stop(): Promise<void>;
}

/** `npm run build` when a source under src/ is newer than dist/main.js. */
export function buildIfStale(): void {
  if (safeMtime(join(ROOT, 'dist', 'main.js')) >= newestSource(join(ROOT, 'src'))) return;
  progress('dist/ is older than src/: npm run build…');
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr] });
  if (result.status !== 0) throw new Error(`npm run build failed (${result.status})`);
}

/**
 * `node dist/main.js` with the Node flags of `npm run start:prod`, on the simulator's kubeconfig, once it listens and
 * lists the cluster. `LOG_LEVEL=log`: `warn` would hide the `service.listening` line that gives the URL, and requests
 * are logged only at `debug`. `--inspect=127.0.0.1:0` lets the bench profile it and run `gc()` before reading its
 * memory, which `--expose-gc` allows (see memoryAfterGc).
 */
export async function startService(children: ChildGroup, kubeconfig: string): Promise<Service> {
  const child = children.start(
    process.execPath,
    ['--inspect=127.0.0.1:0', '--expose-gc', ...serviceNodeFlags(), join(ROOT, 'dist', 'main.js')],
    {
      KUBECONFIG: kubeconfig,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: 'sqlite::memory:',
      LOG_LEVEL: 'log',
    },
  );
  const origin = (await child.waitFor(/"event":"service\.listening","url":"([^"]+)"/, 30_000))[1]
    .replace('[::1]', '127.0.0.1')
    .replace('localhost', '127.0.0.1');
  const inspectorUrl = (await child.waitFor(/Debugger listening on (ws:\/\/\S+)/, 10_000, 'stderr'))[1];
  const clusters = await getJson<{ data: { items: { id: string }[] } }>(`${origin}/api/clusters`);
  const clusterId = clusters.data.items[0]?.id;
  if (!clusterId) throw new Error('the service lists no cluster');
  return { origin, pid: child.pid, inspectorUrl, clusterId, stop: () => child.stop() };
}

export async function getJson<T = unknown>(url: string): Promise<T> {
  const response = await fetch(url);
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** From the service's own /metrics (prom-client's default Node metrics; reading them restarts the delay histogram). */
export async function serviceVitals(origin: string): Promise<{
  loopDelayMaxMs: number;
  majorGcs: number;
  majorGcMs: number;
  allGcMs: number;
}> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  const values = (pattern: RegExp) =>
    text
      .split('\n')
      .filter((line) => pattern.test(line))
      .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
  const sum = (pattern: RegExp) => values(pattern).reduce((total, value) => total + value, 0);
  return {
    loopDelayMaxMs: 1000 * sum(/^nodejs_eventloop_lag_max_seconds /),
    majorGcs: sum(/^nodejs_gc_duration_seconds_count\{kind="major"/),
    majorGcMs: 1000 * sum(/^nodejs_gc_duration_seconds_sum\{kind="major"/),
    allGcMs: 1000 * sum(/^nodejs_gc_duration_seconds_sum\{/),
  };
}

/** Node's flags for the service, as `npm run start:prod` passes them (package.json): the service runs as deployed. */
function serviceNodeFlags(): string[] {
  const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const words = packageJson.scripts['start:prod'].split(/\s+/);
  return words.slice(words.indexOf('node') + 1, words.indexOf('dist/main.js'));
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function safeMtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
