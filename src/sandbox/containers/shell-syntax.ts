/**
 * The command language of the sandbox shell: a small, safe subset of POSIX sh.
 *
 * Supported: simple commands separated by `;`, newlines, `&&`, `||` (a trailing `&` runs in the foreground);
 * single and double quotes, backslash escapes; `$NAME`, `${NAME}`, `$?`, `$$`, `$#`, `$@`, `$*`, `$0`…`$9`
 * (expanded when the command runs, so `false; echo $?` prints 1); `NAME=value` assignments; redirections
 * `>`, `>>`, `<`, `n>&m`; `#` comments. Pipelines, subshells and command substitution are refused with a message
 * that says so, never approximated.
 */

export type WordPart =
  { kind: 'text'; text: string; quoted: boolean } | { kind: 'param'; name: string; quoted: boolean };

export interface Word {
  parts: WordPart[];
}

export type RedirectOperator = '>' | '>>' | '<' | '>&' | '<&';

export interface Redirect {
  fd: number;
  op: RedirectOperator;
  target: Word;
}

export interface SimpleCommand {
  words: Word[];
  redirects: Redirect[];
}

/** `a && b || c`: run `first`, then each of `rest` depending on the status so far. */
export interface AndOrList {
  first: SimpleCommand;
  rest: { op: '&&' | '||'; command: SimpleCommand }[];
}

export type Script = AndOrList[];

/** A script the shell refuses; the message is what the shell prints after `sh: `. Exit status 2. */
export class ShellSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShellSyntaxError';
  }
}

type Token =
  { kind: 'word'; word: Word } | { kind: 'op'; op: string } | { kind: 'redirect'; fd: number; op: RedirectOperator };

export function parseScript(source: string): Script {
  const tokens = tokenize(source);
  const script: Script = [];
  let index = 0;
  const command = (): SimpleCommand | undefined => {
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      const token = tokens[index];
      if (token?.kind === 'word') {
        words.push(token.word);
        index++;
      } else if (token?.kind === 'redirect') {
        const target = tokens[index + 1];
        if (target?.kind !== 'word') throw unexpected(target);
        redirects.push({ fd: token.fd, op: token.op, target: target.word });
        index += 2;
      } else {
        break;
      }
    }
    return words.length > 0 || redirects.length > 0 ? { words, redirects } : undefined;
  };

  while (index < tokens.length) {
    const token = tokens[index];
    if (token.kind === 'op' && token.op === ';') {
      if (!isNewline(tokens, index)) throw unexpected(token);
      index++;
      continue;
    }
    const first = command();
    if (!first) throw unexpected(tokens[index]);
    const list: AndOrList = { first, rest: [] };
    for (;;) {
      const next = tokens[index];
      if (next?.kind !== 'op' || (next.op !== '&&' && next.op !== '||')) break;
      index++;
      while (tokens[index]?.kind === 'op' && (tokens[index] as { op: string }).op === ';' && isNewline(tokens, index))
        index++;
      const following = command();
      if (!following) throw unexpected(tokens[index]);
      list.rest.push({ op: next.op, command: following });
    }
    script.push(list);
    const after = tokens[index];
    if (after === undefined) break;
    if (after.kind === 'op' && after.op === ';') {
      index++;
      if (tokens[index]?.kind === 'op' && (tokens[index] as { op: string }).op === ';' && !isNewline(tokens, index)) {
        throw new ShellSyntaxError('syntax error: unexpected ";;"');
      }
      continue;
    }
    throw unexpected(after);
  }
  return script;
}

/** Newlines become `;` tokens marked with `newline` so `a &&\n b` continues the list. */
function isNewline(tokens: Token[], index: number): boolean {
  const token = tokens[index] as Token & { newline?: boolean };
  return token.newline === true;
}

function unexpected(token: Token | undefined): ShellSyntaxError {
  if (token === undefined) return new ShellSyntaxError('syntax error: unexpected end of file');
  const text = token.kind === 'op' ? token.op : token.kind === 'redirect' ? token.op : 'word';
  return new ShellSyntaxError(`syntax error: unexpected "${text}"`);
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const SPECIAL_PARAMS = new Set(['?', '$', '#', '@', '*', '!', '-']);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let parts: WordPart[] | undefined;
  let i = 0;

  const text = (value: string, quoted: boolean): void => {
    parts ??= [];
    const last = parts[parts.length - 1];
    if (last?.kind === 'text' && last.quoted === quoted) last.text += value;
    else parts.push({ kind: 'text', text: value, quoted });
  };
  const endWord = (): void => {
    if (parts) tokens.push({ kind: 'word', word: { parts } });
    parts = undefined;
  };
  const separator = (newline: boolean): void => {
    endWord();
    tokens.push(Object.assign({ kind: 'op' as const, op: ';' }, newline ? { newline: true } : {}));
  };
  /** Reads the `$…` at `i` (which points at `$`) and moves `i` past it. */
  const dollar = (quoted: boolean): void => {
    const next = source[i + 1];
    if (next === '(') throw new ShellSyntaxError('command substitution is not supported by the sandbox shell');
    if (next === '{') {
      const close = source.indexOf('}', i + 2);
      if (close < 0) throw new ShellSyntaxError('syntax error: bad substitution');
      const name = source.slice(i + 2, close);
      if (!/^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$#@*!-])$/.test(name)) {
        throw new ShellSyntaxError(`syntax error: bad substitution`);
      }
      (parts ??= []).push({ kind: 'param', name, quoted });
      i = close + 1;
      return;
    }
    if (next !== undefined && (SPECIAL_PARAMS.has(next) || /[0-9]/.test(next))) {
      (parts ??= []).push({ kind: 'param', name: next, quoted });
      i += 2;
      return;
    }
    if (next !== undefined && NAME_START.test(next)) {
      let end = i + 1;
      while (end < source.length && NAME_CHAR.test(source[end])) end++;
      (parts ??= []).push({ kind: 'param', name: source.slice(i + 1, end), quoted });
      i = end;
      return;
    }
    text('$', quoted);
    i++;
  };

  while (i < source.length) {
    const char = source[i];
    if (char === ' ' || char === '\t' || char === '\r') {
      endWord();
      i++;
    } else if (char === '\n') {
      separator(true);
      i++;
    } else if (char === '#' && parts === undefined) {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (char === ';') {
      separator(false);
      i++;
    } else if (char === '&') {
      if (source[i + 1] === '&') {
        endWord();
        tokens.push({ kind: 'op', op: '&&' });
        i += 2;
      } else {
        // No job control: a background command runs in the foreground.
        separator(false);
        i++;
      }
    } else if (char === '|') {
      if (source[i + 1] === '|') {
        endWord();
        tokens.push({ kind: 'op', op: '||' });
        i += 2;
      } else {
        throw new ShellSyntaxError('pipelines are not supported by the sandbox shell');
      }
    } else if (char === '(' || char === ')') {
      throw new ShellSyntaxError(`syntax error: unexpected "${char}"`);
    } else if (char === '`') {
      throw new ShellSyntaxError('command substitution is not supported by the sandbox shell');
    } else if (char === '>' || char === '<') {
      // An unquoted single digit right before the operator names the file descriptor (`2>&1`).
      let fd = char === '>' ? 1 : 0;
      if (parts?.length === 1 && parts[0].kind === 'text' && !parts[0].quoted && /^[0-9]$/.test(parts[0].text)) {
        fd = Number(parts[0].text);
        parts = undefined;
      } else {
        endWord();
      }
      let op: RedirectOperator;
      if (char === '>' && source[i + 1] === '>') {
        op = '>>';
        i += 2;
      } else if (source[i + 1] === '&') {
        op = char === '>' ? '>&' : '<&';
        i += 2;
      } else {
        op = char;
        i++;
      }
      tokens.push({ kind: 'redirect', fd, op });
    } else if (char === "'") {
      const close = source.indexOf("'", i + 1);
      if (close < 0) throw new ShellSyntaxError('syntax error: unterminated quoted string');
      text(source.slice(i + 1, close), true);
      i = close + 1;
    } else if (char === '"') {
      i++;
      text('', true);
      for (;;) {
        if (i >= source.length) throw new ShellSyntaxError('syntax error: unterminated quoted string');
        const inner = source[i];
        if (inner === '"') {
          i++;
          break;
        }
        if (inner === '\\' && i + 1 < source.length && '$`"\\\n'.includes(source[i + 1])) {
          if (source[i + 1] !== '\n') text(source[i + 1], true);
          i += 2;
        } else if (inner === '$') {
          dollar(true);
        } else if (inner === '`') {
          throw new ShellSyntaxError('command substitution is not supported by the sandbox shell');
        } else {
          text(inner, true);
          i++;
        }
      }
    } else if (char === '\\') {
      const next = source[i + 1];
      if (next === undefined) {
        text('\\', false);
      } else if (next !== '\n') {
        text(next, true);
      }
      i += 2;
    } else if (char === '$') {
      dollar(false);
    } else {
      text(char, false);
      i++;
    }
  }
  endWord();
  return tokens;
}

/** `NAME=value` at the start of a command: the name, when the word is an assignment. */
export function assignmentName(word: Word): string | undefined {
  const first = word.parts[0];
  if (first?.kind !== 'text' || first.quoted) return undefined;
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text);
  return match?.[1];
}

/** The word after `NAME=`, for expanding the assigned value. */
export function assignmentValue(word: Word, name: string): Word {
  const [first, ...rest] = word.parts;
  if (first?.kind !== 'text') return word;
  const remainder = first.text.slice(name.length + 1);
  return { parts: remainder === '' ? rest : [{ ...first, text: remainder }, ...rest] };
}
