import { type ContainerView, KERNEL_RELEASE, normalizePath } from './container-view.js';
import type { TerminalSize } from './interpreter.js';
import { echoEscapes, printfFormat } from './printf-format.js';

/**
 * The utilities of the simulated image (/bin), busybox-flavoured: what they print, including their error texts
 * and exit statuses. `sh` and `bash` are the shell itself (interpreter.ts).
 */

export type Sink = (text: string) => Promise<void>;

export interface Input {
  /** A line including its newline (the last one may lack it), or null at end of input. */
  readLine(): Promise<string | null>;
  /** Whatever is available, or null at end of input. */
  readChunk(): Promise<string | null>;
}

export interface Stdio {
  input: Input;
  out: Sink;
  err: Sink;
}

/** What a program gets from the process that runs it. Every wait in here is interruptible (^C) and killable. */
export interface ProgramCall {
  argv: string[];
  stdio: Stdio;
  env: [string, string][];
  cwd: string;
  view: ContainerView;
  terminalSize(): TerminalSize | undefined;
  sleep(ms: number): Promise<void>;
  /** Runs the program named by `argv[0]` (name or path) with `env`; undefined when the image has no such program. */
  run(argv: string[], env: [string, string][]): Promise<number> | undefined;
}

export type Program = (call: ProgramCall) => Promise<number>;

/** `yes` writes this much per write, then waits for the sink. */
const YES_CHUNK = 8192;

export const UTILITIES: Readonly<Record<string, Program>> = {
  cat,
  clear: (call) => print(call, '\x1b[H\x1b[2J\x1b[3J'),
  echo,
  env,
  false: () => Promise.resolve(1),
  hostname: (call) => print(call, `${call.view.hostname}\n`),
  id: (call) => print(call, 'uid=0(root) gid=0(root) groups=0(root)\n'),
  ls,
  printf,
  pwd: (call) => print(call, `${call.cwd}\n`),
  size,
  sleep,
  true: () => Promise.resolve(0),
  uname,
  whoami: (call) => print(call, 'root\n'),
  yes,
};

async function print(call: ProgramCall, text: string): Promise<number> {
  await call.stdio.out(text);
  return 0;
}

async function echo(call: ProgramCall): Promise<number> {
  const args = call.argv.slice(1);
  let newline = true;
  let escapes = false;
  let index = 0;
  for (; index < args.length && /^-[neE]+$/.test(args[index]); index++) {
    for (const flag of args[index].slice(1)) {
      if (flag === 'n') newline = false;
      else escapes = flag === 'e';
    }
  }
  let text = args.slice(index).join(' ');
  if (escapes) {
    const result = echoEscapes(text);
    text = result.text;
    if (result.stop) newline = false;
  }
  await call.stdio.out(newline ? `${text}\n` : text);
  return 0;
}

async function printf(call: ProgramCall): Promise<number> {
  const [format, ...args] = call.argv.slice(1);
  if (format === undefined) {
    await call.stdio.err('printf: usage: printf format [arguments]\n');
    return 2;
  }
  const result = printfFormat(format, args);
  if (result.output !== '') await call.stdio.out(result.output);
  for (const error of result.errors) await call.stdio.err(`${error}\n`);
  return result.errors.length > 0 ? 1 : 0;
}

async function env(call: ProgramCall): Promise<number> {
  const args = call.argv.slice(1);
  let variables = new Map(call.env);
  let index = 0;
  if (args[0] === '-i' || args[0] === '-') {
    variables = new Map();
    index++;
  }
  for (; index < args.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[index]); index++) {
    const equals = args[index].indexOf('=');
    variables.set(args[index].slice(0, equals), args[index].slice(equals + 1));
  }
  if (index >= args.length) {
    await call.stdio.out([...variables].map(([name, value]) => `${name}=${value}\n`).join(''));
    return 0;
  }
  const started = call.run(args.slice(index), [...variables]);
  if (started) return started;
  await call.stdio.err(`env: can't execute '${args[index]}': No such file or directory\n`);
  return 127;
}

async function cat(call: ProgramCall): Promise<number> {
  const { stdio } = call;
  const targets = call.argv.length > 1 ? call.argv.slice(1) : ['-'];
  let status = 0;
  for (const target of targets) {
    if (target === '-') {
      for (let chunk = await stdio.input.readChunk(); chunk !== null; chunk = await stdio.input.readChunk()) {
        await stdio.out(chunk);
      }
      continue;
    }
    const node = call.view.fs.lookup(normalizePath(target, call.cwd));
    if (!node) {
      await stdio.err(`cat: can't open '${target}': No such file or directory\n`);
      status = 1;
    } else if (node.kind === 'dir') {
      await stdio.err('cat: read error: Is a directory\n');
      status = 1;
    } else if (node.kind === 'file' && node.content !== '') {
      await stdio.out(node.content);
    }
  }
  return status;
}

interface Entry {
  name: string;
  path: string;
}

async function ls(call: ProgramCall): Promise<number> {
  const { stdio, view } = call;
  let all = false;
  let long = false;
  let onePerLine = !view.tty;
  const operands: string[] = [];
  for (const arg of call.argv.slice(1)) {
    if (arg.startsWith('-') && arg.length > 1) {
      for (const flag of arg.slice(1)) {
        if (flag === 'a' || flag === 'A') all = true;
        else if (flag === 'l') long = true;
        else if (flag === '1') onePerLine = true;
      }
    } else {
      operands.push(arg);
    }
  }
  const format = (entries: Entry[]): string => {
    if (entries.length === 0) return '';
    if (long) return entries.map((entry) => `${longEntry(view, entry)}\n`).join('');
    if (onePerLine) return entries.map((entry) => `${entry.name}\n`).join('');
    return columns(
      entries.map((entry) => entry.name),
      call.terminalSize()?.width || 80,
    );
  };
  const targets = operands.length > 0 ? operands : ['.'];
  let status = 0;
  const files: Entry[] = [];
  const dirs: Entry[] = [];
  for (const target of targets) {
    const path = normalizePath(target, call.cwd);
    const node = view.fs.lookup(path);
    if (!node) {
      await stdio.err(`ls: ${target}: No such file or directory\n`);
      status = 1;
    } else {
      (node.kind === 'dir' ? dirs : files).push({ name: target, path });
    }
  }
  const blocks: string[] = [];
  if (files.length > 0) blocks.push(format(files));
  for (const dir of dirs) {
    const names = [...(all ? ['.', '..'] : []), ...(view.fs.list(dir.path) ?? [])];
    const listing = format(names.map((name) => ({ name, path: normalizePath(name, dir.path) })));
    blocks.push(targets.length > 1 ? `${dir.name}:\n${listing}` : listing);
  }
  await stdio.out(blocks.join(targets.length > 1 ? '\n' : ''));
  return status;
}

function longEntry(view: ContainerView, entry: Entry): string {
  const node = view.fs.lookup(entry.path);
  const mode = node?.kind === 'dir' ? 'drwxr-xr-x' : node?.kind === 'program' ? '-rwxr-xr-x' : '-rw-r--r--';
  const size = node?.kind === 'file' ? Buffer.byteLength(node.content) : node?.kind === 'dir' ? 4096 : 1015568;
  return `${mode}    1 root     root     ${String(size).padStart(9)} Jan  1 00:00 ${entry.name}`;
}

/** busybox `ls` on a terminal: names in columns across the width. */
function columns(names: string[], width: number): string {
  const cell = Math.max(...names.map((name) => name.length)) + 2;
  const perRow = Math.max(1, Math.floor(width / cell));
  const rows = Math.ceil(names.length / perRow);
  const lines: string[] = [];
  for (let row = 0; row < rows; row++) {
    const cells: string[] = [];
    for (let column = 0; column < perRow; column++) {
      const name = names[column * rows + row];
      if (name !== undefined) cells.push(name.padEnd(cell));
    }
    lines.push(cells.join('').trimEnd());
  }
  return `${lines.join('\n')}\n`;
}

/** `size`: "<rows> <cols>" of the last resize the client sent (as `stty size`), `0 0` before any. */
function size(call: ProgramCall): Promise<number> {
  const terminal = call.terminalSize();
  return print(call, `${terminal?.height ?? 0} ${terminal?.width ?? 0}\n`);
}

const SLEEP_UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

async function sleep(call: ProgramCall): Promise<number> {
  const args = call.argv.slice(1);
  if (args.length === 0) {
    await call.stdio.err('sleep: missing operand\n');
    return 1;
  }
  let total = 0;
  for (const arg of args) {
    const match = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(arg);
    if (!match) {
      await call.stdio.err(`sleep: invalid number '${arg}'\n`);
      return 1;
    }
    total += Number(match[1]) * SLEEP_UNITS[match[2]] * 1000;
  }
  await call.sleep(total);
  return 0;
}

const UNAME_ORDER = ['s', 'n', 'r', 'v', 'm', 'o'];

async function uname(call: ProgramCall): Promise<number> {
  const fields: Record<string, string> = {
    s: 'Linux',
    n: call.view.hostname,
    r: KERNEL_RELEASE,
    v: '#1 SMP PREEMPT_DYNAMIC',
    m: 'x86_64',
    o: 'Linux',
  };
  const wanted = new Set<string>();
  for (const arg of call.argv.slice(1)) {
    for (const flag of arg.replace(/^-/, '')) {
      if (flag === 'a') UNAME_ORDER.forEach((key) => wanted.add(key));
      else if (flag in fields) wanted.add(flag);
      else {
        await call.stdio.err(`uname: invalid option -- '${flag}'\n`);
        return 1;
      }
    }
  }
  if (wanted.size === 0) wanted.add('s');
  const printed = UNAME_ORDER.filter((key) => wanted.has(key)).map((key) => fields[key]);
  await call.stdio.out(`${printed.join(' ')}\n`);
  return 0;
}

/** Writes its line until interrupted or killed, waiting for the reader at every chunk (flow control). */
async function yes(call: ProgramCall): Promise<number> {
  const line = `${call.argv.length > 1 ? call.argv.slice(1).join(' ') : 'y'}\n`;
  const chunk = line.repeat(Math.max(1, Math.floor(YES_CHUNK / line.length)));
  for (;;) await call.stdio.out(chunk);
}
