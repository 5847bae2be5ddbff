import { BINARIES, type ContainerView, normalizePath } from './container-view.js';
import { goQuote } from './go-time.js';
import { type Input, type ProgramCall, type Sink, type Stdio, UTILITIES } from './programs.js';
import {
  assignmentName,
  assignmentValue,
  parseScript,
  type Script,
  type SimpleCommand,
  ShellSyntaxError,
  type Word,
} from './shell-syntax.js';

/**
 * The confined, deterministic "container runtime" of the simulator: the process an exec session starts, its shell
 * (`sh`, `bash`: a small POSIX sh, see shell-syntax.ts) and the utilities of programs.ts, all on top of `ShellIo`.
 * It never runs anything on the host. Same input, same output.
 */

export interface TerminalSize {
  width: number;
  height: number;
}

/** Everything the shell does to the outside world. */
export interface ShellIo {
  /** Output on fd 1 or 2; resolves when the sink can take more (flow control), so a flood waits for its reader. */
  write(fd: 1 | 2, text: string): Promise<void>;
  /**
   * Standard input: the next text (a line in TTY mode), `null` at end of file, `undefined` when `signal` aborted
   * first (^C or the session ended).
   */
  read(signal: AbortSignal): Promise<string | null | undefined>;
  /** Resolves after `ms`, or as soon as `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** The size the client last reported on the resize channel. */
  terminalSize(): TerminalSize | undefined;
}

/** The runtime could not start the program at all; `message` is the OCI runtime's error (after `OCI runtime exec failed: `). */
export class ExecStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecStartError';
  }
}

/** Exit status of a process killed by SIGINT (^C). */
export const INTERRUPTED_STATUS = 130;
/** The process id `$$` reports (deterministic). */
const SHELL_PID = 7;

/** Unwinds to the shell that runs `exit` (or ends the process). */
class ShellExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** ^C: unwinds to the nearest interactive shell, or ends the process with 130. */
class Interrupted extends Error {
  constructor() {
    super('interrupted');
  }
}

/** The session ended or the container stopped: unwinds everything. */
class Killed extends Error {
  constructor(readonly code: number) {
    super(`killed (${code})`);
  }
}

/** The state of one shell invocation (`sh`, `sh -c …`, a nested `bash`). */
interface Frame {
  name: 'sh' | 'bash';
  vars: Map<string, string>;
  exported: Set<string>;
  /** `$0`, `$1`… */
  positional: string[];
  status: number;
  cwd: string;
  errexit: boolean;
}

interface Invocation {
  frame: Frame;
  argv: string[];
  stdio: Stdio;
  env: [string, string][];
}

type Builtin = (call: Invocation) => Promise<number>;

type FoundProgram = { kind: 'program'; name: string } | { kind: 'not found' } | { kind: 'not executable' };

/**
 * One process of an exec session: `exec(argv)` starts it as the container runtime would (an unknown program fails
 * to start with `ExecStartError`), `interrupt()` is ^C from the terminal, `kill(code)` ends it from outside.
 */
export class Shell {
  private job = new AbortController();
  private killedWith?: number;
  private readonly stdin: Input;
  private readonly programs: Record<string, Builtin>;
  private readonly shellBuiltins: Record<string, Builtin>;

  constructor(
    private readonly io: ShellIo,
    private readonly view: ContainerView,
  ) {
    this.stdin = new StreamInput(
      io,
      () => this.job.signal,
      () => this.checkpoint(),
    );
    this.programs = {
      sh: (call) => this.runShell(call, 'sh'),
      bash: (call) => this.runShell(call, 'bash'),
    };
    for (const [name, utility] of Object.entries(UTILITIES)) {
      this.programs[name] = (call) => utility(this.programCall(call));
    }
    this.shellBuiltins = {
      ':': () => Promise.resolve(0),
      cd: (call) => this.cd(call),
      exit: (call) => this.exit(call),
      export: (call) => this.exportVars(call),
      unset: (call) => this.unset(call),
    };
  }

  /**
   * Runs `argv` as the container's runtime would exec it (no shell in between: `$HOME` stays `$HOME`) and resolves
   * with its exit status. Throws `ExecStartError` when the program cannot be started.
   */
  async exec(argv: readonly string[]): Promise<number> {
    if (argv.length === 0) throw new ExecStartError('args must not be empty');
    const program = this.programForExec(argv[0]);
    const frame = this.rootFrame();
    const stdio: Stdio = { input: this.stdin, out: this.sink(1), err: this.sink(2) };
    try {
      return await this.programs[program]({ frame, argv: [...argv], stdio, env: exportedEnv(frame) });
    } catch (error) {
      if (error instanceof Killed || error instanceof ShellExit) return error.code;
      if (error instanceof Interrupted) return INTERRUPTED_STATUS;
      throw error;
    }
  }

  /** ^C (SIGINT to the foreground process). */
  interrupt(): void {
    this.job.abort();
  }

  /** Ends the process from outside with this exit status (137 for SIGKILL); the first call wins. */
  kill(code: number): void {
    this.killedWith ??= code;
    this.job.abort();
  }

  /** What a utility sees of the process that runs it. */
  private programCall(call: Invocation): ProgramCall {
    return {
      argv: call.argv,
      stdio: call.stdio,
      env: call.env,
      cwd: call.frame.cwd,
      view: this.view,
      terminalSize: () => this.io.terminalSize(),
      sleep: (ms) => this.sleep(ms),
      run: (argv, env) => {
        const found = this.findProgram(call.frame, argv[0]);
        return found.kind === 'program' ? this.programs[found.name]({ ...call, argv, env }) : undefined;
      },
    };
  }

  // ---- process start

  /** runc's `exec.LookPath` errors (Go os/exec), as containerd reports them. */
  private programForExec(name: string): string {
    const prefix = 'exec failed: unable to start container process: ';
    if (!name.includes('/')) {
      if (BINARIES.includes(name)) return name;
      throw new ExecStartError(`${prefix}exec: ${goQuote(name)}: executable file not found in $PATH`);
    }
    const node = this.view.fs.lookup(normalizePath(name, '/'));
    if (node?.kind === 'program') return node.name;
    if (!node) throw new ExecStartError(`${prefix}exec: ${goQuote(name)}: stat ${name}: no such file or directory`);
    throw new ExecStartError(`${prefix}exec: ${goQuote(name)}: permission denied`);
  }

  private rootFrame(): Frame {
    const vars = new Map(this.view.env);
    return {
      name: 'sh',
      vars,
      exported: new Set(vars.keys()),
      positional: ['sh'],
      status: 0,
      cwd: '/',
      errexit: false,
    };
  }

  // ---- signals

  /** Throws when the process was killed or interrupted; called after every wait. */
  private checkpoint(): void {
    if (this.killedWith !== undefined) throw new Killed(this.killedWith);
    if (this.job.signal.aborted) throw new Interrupted();
  }

  /** After an interactive shell has handled ^C, the next command starts with a fresh signal. */
  private resetJob(): void {
    if (this.killedWith !== undefined) throw new Killed(this.killedWith);
    this.job = new AbortController();
  }

  private sink(fd: 1 | 2): Sink {
    return async (text) => {
      await this.io.write(fd, text);
      this.checkpoint();
    };
  }

  /** /dev/null: takes everything, still yielding so that a flood into it stays interruptible. */
  private readonly nullSink: Sink = async () => {
    await this.io.sleep(0, this.job.signal);
    this.checkpoint();
  };

  private async sleep(ms: number): Promise<void> {
    await this.io.sleep(ms, this.job.signal);
    this.checkpoint();
  }

  // ---- shells

  private async runShell(call: Invocation, name: 'sh' | 'bash'): Promise<number> {
    const args = call.argv.slice(1);
    let command = false;
    let interactive = false;
    let errexit = false;
    let index = 0;
    for (; index < args.length; index++) {
      const arg = args[index];
      if (arg === '--') {
        index++;
        break;
      }
      if (arg === '--login') continue;
      if (!arg.startsWith('-') || arg === '-') break;
      for (const flag of arg.slice(1)) {
        if (flag === 'c') command = true;
        else if (flag === 'i') interactive = true;
        else if (flag === 'e') errexit = true;
        else if (!'lxuv'.includes(flag)) {
          await call.stdio.err(`${name}: -${flag}: invalid option\n`);
          return 2;
        }
      }
    }
    const frame: Frame = {
      name,
      vars: new Map(call.env),
      exported: new Set(call.env.map(([key]) => key)),
      positional: [name],
      status: 0,
      cwd: call.frame.cwd,
      errexit,
    };
    if (command) {
      const script = args[index];
      if (script === undefined) {
        await call.stdio.err(`${name}: -c: option requires an argument\n`);
        return 2;
      }
      frame.positional = [args[index + 1] ?? name, ...args.slice(index + 2)];
      return this.runNonInteractive(frame, script, call.stdio);
    }
    const file = args[index];
    if (file !== undefined && file !== '-') {
      const node = this.view.fs.lookup(normalizePath(file, frame.cwd));
      if (node?.kind !== 'file') {
        await call.stdio.err(
          name === 'bash'
            ? `bash: ${file}: No such file or directory\n`
            : `sh: can't open '${file}': No such file or directory\n`,
        );
        return name === 'bash' ? 127 : 2;
      }
      frame.positional = [file, ...args.slice(index + 1)];
      return this.runNonInteractive(frame, node.content, call.stdio);
    }
    frame.positional = [name, ...args.slice(index + 1)];
    return this.readCommands(frame, call.stdio, interactive || this.view.tty);
  }

  private async runNonInteractive(frame: Frame, source: string, stdio: Stdio): Promise<number> {
    try {
      await this.runSource(frame, source, stdio);
      return frame.status;
    } catch (error) {
      if (error instanceof ShellExit) return error.code;
      throw error;
    }
  }

  /** A shell reading commands from its input: with a prompt on a terminal; ^C abandons the current line. */
  private async readCommands(frame: Frame, stdio: Stdio, prompt: boolean): Promise<number> {
    for (;;) {
      try {
        if (prompt) await stdio.err(this.prompt(frame));
        const line = await stdio.input.readLine();
        if (line === null) {
          if (prompt && frame.name === 'bash') await stdio.err('exit\n');
          return frame.status;
        }
        await this.runSource(frame, line, stdio);
      } catch (error) {
        if (error instanceof Interrupted) {
          this.resetJob();
          frame.status = INTERRUPTED_STATUS;
          await stdio.err('\n');
          continue;
        }
        if (error instanceof ShellExit) {
          if (prompt && frame.name === 'bash') await stdio.err('exit\n');
          return error.code;
        }
        throw error;
      }
    }
  }

  /** busybox ash's `\w \$ ` as root (`/ # `), bash's `\u@\h:\w\$ ` (`root@web-0:/# `). */
  private prompt(frame: Frame): string {
    const home = frame.vars.get('HOME') ?? '/root';
    const where =
      frame.cwd === home ? '~' : frame.cwd.startsWith(`${home}/`) ? `~${frame.cwd.slice(home.length)}` : frame.cwd;
    return frame.name === 'bash' ? `root@${this.view.hostname}:${where}# ` : `${where} # `;
  }

  private async runSource(frame: Frame, source: string, stdio: Stdio): Promise<void> {
    let script: Script;
    try {
      script = parseScript(source);
    } catch (error) {
      if (!(error instanceof ShellSyntaxError)) throw error;
      await stdio.err(`${frame.name}: ${error.message}\n`);
      frame.status = 2;
      return;
    }
    for (const list of script) {
      let status = await this.runSimple(frame, list.first, stdio);
      for (const { op, command } of list.rest) {
        if (op === '&&' ? status === 0 : status !== 0) status = await this.runSimple(frame, command, stdio);
      }
      if (frame.errexit && status !== 0) throw new ShellExit(status);
    }
  }

  private async runSimple(frame: Frame, command: SimpleCommand, stdio: Stdio): Promise<number> {
    const assignments: [string, string][] = [];
    let index = 0;
    for (; index < command.words.length; index++) {
      const name = assignmentName(command.words[index]);
      if (name === undefined) break;
      assignments.push([name, this.expandJoined(frame, assignmentValue(command.words[index], name))]);
    }
    const argv = command.words.slice(index).flatMap((word) => this.expand(frame, word));
    const redirected = await this.redirect(frame, command, stdio);
    let status: number;
    if (redirected === undefined) {
      status = 1;
    } else if (argv.length === 0) {
      for (const [name, value] of assignments) frame.vars.set(name, value);
      status = 0;
    } else {
      const env = new Map(exportedEnv(frame));
      for (const [name, value] of assignments) env.set(name, value);
      status = await this.runCommand({ frame, argv, stdio: redirected, env: [...env] });
    }
    frame.status = status;
    return status;
  }

  /** Looks the command up as the shell does: builtins, then programs by name or path; 127 when not found. */
  private async runCommand(call: Invocation): Promise<number> {
    const name = call.argv[0];
    const builtin = this.shellBuiltins[name];
    if (builtin && !name.includes('/')) return builtin(call);
    const found = this.findProgram(call.frame, name);
    if (found.kind === 'program') return this.programs[found.name](call);
    const shell = call.frame.name;
    if (found.kind === 'not executable') {
      await call.stdio.err(`${shell}: ${name}: Permission denied\n`);
      return 126;
    }
    await call.stdio.err(shell === 'bash' ? `bash: ${name}: command not found\n` : `sh: ${name}: not found\n`);
    return 127;
  }

  private findProgram(frame: Frame, name: string): FoundProgram {
    if (!name.includes('/')) return BINARIES.includes(name) ? { kind: 'program', name } : { kind: 'not found' };
    const node = this.view.fs.lookup(normalizePath(name, frame.cwd));
    if (node?.kind === 'program') return { kind: 'program', name: node.name };
    return { kind: node ? 'not executable' : 'not found' };
  }

  /** The stdio after `>`, `>>`, `<`, `n>&m`; undefined (after printing why) when a redirection fails. */
  private async redirect(frame: Frame, command: SimpleCommand, stdio: Stdio): Promise<Stdio | undefined> {
    const result: Stdio = { ...stdio };
    for (const redirect of command.redirects) {
      const target = this.expandJoined(frame, redirect.target);
      const fd = redirect.fd;
      if (fd > 2) {
        await stdio.err(`${frame.name}: ${fd}: Bad file descriptor\n`);
        return undefined;
      }
      if (redirect.op === '>&' || redirect.op === '<&') {
        if (target === '-') {
          if (fd === 0) result.input = new TextInput('');
          else result[fd === 1 ? 'out' : 'err'] = this.nullSink;
          continue;
        }
        if (target !== '1' && target !== '2' && target !== '0') {
          await stdio.err(`${frame.name}: ${target}: Bad file descriptor\n`);
          return undefined;
        }
        if (fd === 0) continue;
        const source = target === '2' ? result.err : result.out;
        result[fd === 1 ? 'out' : 'err'] = source;
        continue;
      }
      const path = normalizePath(target, frame.cwd);
      const node = this.view.fs.lookup(path);
      if (redirect.op === '<') {
        if (node?.kind === 'file') {
          result.input = new TextInput(node.content);
          continue;
        }
        await stdio.err(
          node
            ? `${frame.name}: can't open '${target}': Is a directory\n`
            : `${frame.name}: can't open '${target}': No such file or directory\n`,
        );
        return undefined;
      }
      if (path === '/dev/null') {
        result[fd === 2 ? 'err' : 'out'] = this.nullSink;
        continue;
      }
      const reason = node?.kind === 'dir' ? 'Is a directory' : 'Read-only file system';
      await stdio.err(`${frame.name}: can't create ${target}: ${reason}\n`);
      return undefined;
    }
    return result;
  }

  // ---- expansion

  /** A word's fields: parameters expanded, unquoted expansions split on blanks, quotes removed. */
  private expand(frame: Frame, word: Word): string[] {
    const fields: string[] = [];
    let current = '';
    let exists = false;
    for (const part of word.parts) {
      if (part.kind === 'text') {
        current += part.text;
        exists ||= part.quoted || part.text !== '';
        continue;
      }
      const values = this.parameter(frame, part.name);
      if (part.quoted) {
        // "$@" keeps one field per argument; anything else is one string.
        if (part.name === '@' && values.length !== 1) {
          values.forEach((value, i) => {
            if (i > 0) {
              fields.push(current);
              current = '';
            }
            current += value;
            exists = true;
          });
        } else {
          current += values.join(' ');
          exists = true;
        }
        continue;
      }
      const text = values.join(' ');
      if (text === '') continue;
      text.split(/[ \t\n]+/).forEach((piece, i) => {
        if (i > 0) {
          if (exists) fields.push(current);
          current = '';
          exists = false;
        }
        if (piece !== '') {
          current += piece;
          exists = true;
        }
      });
    }
    if (exists) fields.push(current);
    return fields;
  }

  /** A word as one string, without field splitting (assignments, redirection targets). */
  private expandJoined(frame: Frame, word: Word): string {
    return word.parts
      .map((part) => (part.kind === 'text' ? part.text : this.parameter(frame, part.name).join(' ')))
      .join('');
  }

  private parameter(frame: Frame, name: string): string[] {
    switch (name) {
      case '?':
        return [String(frame.status)];
      case '$':
        return [String(SHELL_PID)];
      case '#':
        return [String(frame.positional.length - 1)];
      case '@':
      case '*':
        return frame.positional.slice(1);
      case '!':
        return [''];
      case '-':
        return [frame.errexit ? 'e' : ''];
      default:
        if (/^[0-9]+$/.test(name)) return [frame.positional[Number(name)] ?? ''];
        return [frame.vars.get(name) ?? ''];
    }
  }

  // ---- builtins of the shell

  private cd(call: Invocation): Promise<number> {
    const { frame, stdio } = call;
    const target = call.argv[1] ?? frame.vars.get('HOME') ?? '/';
    const path = normalizePath(target, frame.cwd);
    if (this.view.fs.lookup(path)?.kind === 'dir') {
      frame.cwd = path;
      frame.vars.set('PWD', path);
      return Promise.resolve(0);
    }
    const reason = this.view.fs.lookup(path) ? 'Not a directory' : 'No such file or directory';
    return frame.name === 'bash'
      ? stdio.err(`bash: cd: ${target}: ${reason}\n`).then(() => 1)
      : stdio.err(`sh: cd: can't cd to ${target}: ${reason}\n`).then(() => 2);
  }

  private async exit(call: Invocation): Promise<number> {
    const arg = call.argv[1];
    if (arg === undefined) throw new ShellExit(call.frame.status);
    if (!/^\d+$/.test(arg)) {
      await call.stdio.err(`${call.frame.name}: exit: Illegal number: ${arg}\n`);
      throw new ShellExit(2);
    }
    throw new ShellExit(Number(BigInt(arg) & 255n));
  }

  private async exportVars(call: Invocation): Promise<number> {
    const { frame } = call;
    const args = call.argv.slice(1).filter((arg) => arg !== '-p');
    if (args.length === 0) {
      const lines = [...frame.exported]
        .sort()
        .map((name) => `export ${name}='${(frame.vars.get(name) ?? '').replace(/'/g, `'"'"'`)}'\n`);
      await call.stdio.out(lines.join(''));
      return 0;
    }
    for (const arg of args) {
      const equals = arg.indexOf('=');
      const name = equals < 0 ? arg : arg.slice(0, equals);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        await call.stdio.err(`${frame.name}: export: ${arg}: bad variable name\n`);
        return 1;
      }
      if (equals >= 0) frame.vars.set(name, arg.slice(equals + 1));
      frame.exported.add(name);
    }
    return 0;
  }

  private unset(call: Invocation): Promise<number> {
    for (const name of call.argv.slice(1)) {
      call.frame.vars.delete(name);
      call.frame.exported.delete(name);
    }
    return Promise.resolve(0);
  }
}

/** The exported variables of a frame, in the order they were defined. */
function exportedEnv(frame: Frame): [string, string][] {
  return [...frame.vars].filter(([name]) => frame.exported.has(name));
}

/** The process's standard input, shared by the shell and the commands it runs (what one reads, the other does not). */
class StreamInput implements Input {
  private buffer = '';

  constructor(
    private readonly io: ShellIo,
    private readonly signal: () => AbortSignal,
    private readonly checkpoint: () => void,
  ) {}

  async readLine(): Promise<string | null> {
    for (;;) {
      const newline = this.buffer.indexOf('\n');
      if (newline >= 0) {
        const line = this.buffer.slice(0, newline + 1);
        this.buffer = this.buffer.slice(newline + 1);
        return line;
      }
      const chunk = await this.next();
      if (chunk === null) {
        if (this.buffer === '') return null;
        const last = this.buffer;
        this.buffer = '';
        return last;
      }
      this.buffer += chunk;
    }
  }

  async readChunk(): Promise<string | null> {
    if (this.buffer !== '') {
      const chunk = this.buffer;
      this.buffer = '';
      return chunk;
    }
    return this.next();
  }

  private async next(): Promise<string | null> {
    const chunk = await this.io.read(this.signal());
    this.checkpoint();
    return chunk ?? null;
  }
}

/** Input from a file (`< /etc/hostname`) or nothing (`<&-`). */
class TextInput implements Input {
  constructor(private text: string) {}

  readLine(): Promise<string | null> {
    if (this.text === '') return Promise.resolve(null);
    const newline = this.text.indexOf('\n');
    const end = newline < 0 ? this.text.length : newline + 1;
    const line = this.text.slice(0, end);
    this.text = this.text.slice(end);
    return Promise.resolve(line);
  }

  readChunk(): Promise<string | null> {
    const text = this.text;
    this.text = '';
    return Promise.resolve(text === '' ? null : text);
  }
}
