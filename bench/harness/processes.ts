/**
 * The benchmarks' child processes: each started with only PATH and HOME from the bench's environment, waited for by
 * what it prints, and stopped at the end of the run or when the bench is interrupted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The repository: every benchmark runs as `node bench/<name>.bench.ts`. */
export const ROOT = resolve(dirname(process.argv[1]), '..');

export interface Child {
  pid: number;
  /** The first match of `pattern` in what the child has printed, once it has; fails when it exits first. */
  waitFor(pattern: RegExp, timeoutMs: number, stream?: 'stdout' | 'stderr'): Promise<RegExpExecArray>;
  stop(): Promise<void>;
}

export interface ChildGroup {
  start(command: string, argv: string[], env: Record<string, string>): Child;
  stopAll(): Promise<void>;
}

/** Children that are all stopped by `stopAll` (the bench's `finally`) or on Ctrl-C. */
export function childGroup(): ChildGroup {
  const children: Child[] = [];
  const stopAll = async () => {
    await Promise.all(children.map((child) => child.stop()));
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  return {
    start(command, argv, env) {
      const child = startChild(command, argv, env);
      children.push(child);
      return child;
    },
    stopAll,
  };
}

function startChild(command: string, argv: string[], env: Record<string, string>): Child {
  const child: ChildProcess = spawn(command, argv, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Only the start of each stream is kept: the ready lines are there, and a service logging for minutes (every
  // stream, every session) must not grow the bench's heap.
  const text = { stdout: '', stderr: '' };
  const KEEP = 256 * 1024;
  child.stdout?.on('data', (chunk: Buffer) => {
    if (text.stdout.length < KEEP) text.stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    if (text.stderr.length < KEEP) text.stderr += chunk.toString();
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolveExit) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolveExit();
    }),
  );
  const describe = () =>
    `${command} ${argv.join(' ')}\n--- stdout\n${text.stdout.slice(-4000)}\n--- stderr\n${text.stderr.slice(-4000)}`;
  return {
    pid: child.pid ?? -1,
    async waitFor(pattern, timeoutMs, stream = 'stdout') {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(text[stream]);
        if (match) return match;
        if (exitCode !== undefined) throw new Error(`exited with ${exitCode}: ${describe()}`);
        if (performance.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms: ${describe()}`);
        await sleep(50);
      }
    },
    async stop() {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killed);
    },
  };
}
