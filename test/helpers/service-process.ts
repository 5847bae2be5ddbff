import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Resolves with the first output line (parsed JSON) that satisfies `predicate`, or rejects after the deadline. */
  waitForLine: (predicate: (record: LogRecord) => boolean, timeoutMs?: number) => Promise<LogRecord>;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/**
 * Starts the built service (`dist/main.js`, as `npm run start:prod` does) on a free port and resolves once it logs
 * `service.listening`. The test command builds before running the suites.
 */
export function startService(env: Record<string, string>, { timeoutMs = 20_000 } = {}): Promise<ServiceProcess> {
  const { child, output, exited } = runService(env);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the service did not start within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    const onData = () => {
      const match = /"event":"service\.listening","url":"([^"]+)"/.exec(output());
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve({
        child,
        url: match[1].replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1'),
        output,
        waitForLine: (predicate, deadlineMs = 5000) => waitForLine(output, predicate, deadlineMs),
        stop: (signal = 'SIGTERM') => {
          child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited with ${code} before listening:\n${output()}`));
    });
  });
}

/** Runs the built service to its end (for starts that must fail), with its exit code and output. */
export async function runServiceToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const { output, exited } = runService(env);
  const code = await exited;
  return { code, output: output() };
}

function runService(env: Record<string, string>) {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: 'sqlite::memory:',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

export type LogRecord = Record<string, unknown> & { message?: unknown };

async function waitForLine(
  output: () => string,
  predicate: (record: LogRecord) => boolean,
  timeoutMs: number,
): Promise<LogRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogRecord)
      .find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no such log line within ${timeoutMs} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
