import type { InputQueue } from './input-queue.js';

/**
 * The pseudo-terminal of a TTY exec session, in the default "cooked" mode a shell's commands see
 * (termios ICANON, ECHO, ECHOE, ECHOCTL, ISIG, ICRNL, OPOST|ONLCR). The client (kubectl -t) puts its own terminal
 * in raw mode and sends keystrokes; echo, line editing and ^C all happen here, on the container's side.
 */

/** Linux keeps at most this many characters in a canonical line (N_TTY_BUF_SIZE − 1); more are dropped. */
const MAX_LINE = 4095;

export interface LineDisciplineEvents {
  /** Bytes the terminal shows the user: the echo of what was typed. */
  echo(text: string): void;
  /** ^C: SIGINT to the foreground process. */
  interrupt(): void;
}

/**
 * Turns keystrokes into the lines a reader gets: a line is delivered on Enter, ^D delivers a partial line or, on an
 * empty one, an end-of-file mark; backspace (DEL or ^H) and ^U edit the line; ^C discards the line and what was
 * typed ahead and interrupts.
 */
export class LineDiscipline {
  private line: string[] = [];

  constructor(
    private readonly queue: InputQueue,
    private readonly events: LineDisciplineEvents,
  ) {}

  input(text: string): void {
    let echo = '';
    for (const char of text) {
      switch (char) {
        case '\r': // ICRNL: Enter sends CR
        case '\n':
          echo += '\r\n';
          this.queue.push(`${this.line.join('')}\n`);
          this.line = [];
          break;
        case '\x03':
          echo += '^C';
          this.line = [];
          this.flushEcho(echo);
          echo = '';
          this.queue.discard();
          this.events.interrupt();
          break;
        case '\x04':
          if (this.line.length === 0) {
            this.queue.pushEndOfFile();
          } else {
            this.queue.push(this.line.join(''));
            this.line = [];
          }
          break;
        case '\x7f':
        case '\b': {
          const erased = this.line.pop();
          if (erased !== undefined) echo += '\b \b'.repeat(echoWidth(erased));
          break;
        }
        case '\x15': // ^U: kill the line
          echo += this.line.map((erased) => '\b \b'.repeat(echoWidth(erased))).join('');
          this.line = [];
          break;
        default:
          if (this.line.length >= MAX_LINE) break;
          this.line.push(char);
          echo += echoOf(char);
      }
    }
    this.flushEcho(echo);
  }

  private flushEcho(text: string): void {
    if (text !== '') this.events.echo(text);
  }
}

/** OPOST|ONLCR: every newline a program writes reaches the terminal as CR LF. */
export function toTerminalOutput(text: string): string {
  return text.replace(/\n/g, '\r\n');
}

/** ECHOCTL: control characters other than tab echo as `^X`. */
function echoOf(char: string): string {
  const code = char.charCodeAt(0);
  if (char === '\t' || code >= 0x20) return code === 0x7f ? '^?' : char;
  return `^${String.fromCharCode(code + 0x40)}`;
}

function echoWidth(char: string): number {
  return echoOf(char).length;
}

/** Longest resize message kept while waiting for its end. */
const MAX_RESIZE_TEXT = 4096;

/**
 * The resize channel: a stream of JSON objects `{"Width":120,"Height":40}` that may be split across or share
 * frames, decoded like Go's `json.Decoder` into `remotecommand.TerminalSize` (field names matched without regard
 * to case, values uint16). As in the API server's `handleResizeEvents`, the first undecodable value ends resizing
 * for the session.
 */
export class ResizeDecoder {
  private text = '';
  private broken = false;

  /** The sizes completed by this chunk, in order. */
  push(chunk: string): { width: number; height: number }[] {
    if (this.broken) return [];
    this.text += chunk;
    const sizes: { width: number; height: number }[] = [];
    for (;;) {
      this.text = this.text.trimStart();
      if (this.text === '') break;
      const end = jsonValueEnd(this.text);
      if (end === undefined) {
        if (this.text.length > MAX_RESIZE_TEXT) this.fail();
        break;
      }
      const size = toTerminalSize(this.text.slice(0, end));
      this.text = this.text.slice(end);
      if (!size) {
        this.fail();
        break;
      }
      sizes.push(size);
    }
    return sizes;
  }

  private fail(): void {
    this.broken = true;
    this.text = '';
  }
}

/** Index just after the first complete top-level JSON object in `text`, or undefined while incomplete; 0 = not an object. */
function jsonValueEnd(text: string): number | undefined {
  if (text[0] !== '{') return 0;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === '{' || char === '[') {
      depth++;
    } else if (char === '}' || char === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return undefined;
}

function toTerminalSize(json: string): { width: number; height: number } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const size = { width: 0, height: 0 };
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    const name = key.toLowerCase();
    if (name !== 'width' && name !== 'height') continue;
    if (typeof field !== 'number' || !Number.isInteger(field) || field < 0 || field > 0xffff) return undefined;
    size[name] = field;
  }
  return size;
}
