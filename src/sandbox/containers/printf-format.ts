/**
 * `printf FORMAT [ARGUMENT]...` and `echo -e` text, as busybox and coreutils produce it: backslash escapes,
 * `%s %b %c %d %i %u %o %x %X %f %e %g %%` with flags, width and precision, and the format reused while
 * arguments remain.
 */

export interface PrintfResult {
  output: string;
  /** Diagnostics for stderr (`printf: invalid number 'abc'`); the exit status is 1 when there are any. */
  errors: string[];
}

const DIRECTIVE = /^%([-+ #0]*)(\d+|\*)?(?:\.(\d*|\*))?([diouxXcsbfeEgG])/;

export function printfFormat(format: string, args: readonly string[]): PrintfResult {
  const errors: string[] = [];
  let output = '';
  let next = 0;
  const takeArg = (): string | undefined => args[next++];
  for (;;) {
    const before = next;
    let stopped = false;
    for (let i = 0; i < format.length && !stopped; i++) {
      const char = format[i];
      if (char === '\\') {
        const escape = readEscape(format, i + 1, false);
        if (escape.stop) {
          stopped = true;
          break;
        }
        output += escape.text;
        i = escape.end - 1;
      } else if (char === '%') {
        if (format[i + 1] === '%') {
          output += '%';
          i++;
          continue;
        }
        const match = DIRECTIVE.exec(format.slice(i));
        if (!match) {
          output += '%';
          continue;
        }
        i += match[0].length - 1;
        const [, flags, widthText, precisionText, conversion] = match;
        const width =
          widthText === '*' ? toInteger(takeArg() ?? '0', errors) : widthText ? Number(widthText) : undefined;
        const precision =
          precisionText === undefined
            ? undefined
            : precisionText === '*'
              ? toInteger(takeArg() ?? '0', errors)
              : Number(precisionText || '0');
        const formatted = convert(conversion, flags, precision, takeArg(), errors);
        if (formatted.stop) {
          output += pad(formatted.text, flags, width, false);
          stopped = true;
          break;
        }
        output += pad(formatted.text, flags, width, formatted.numeric);
      } else {
        output += char;
      }
    }
    // Reuse the format while it consumes arguments and some remain.
    if (stopped || next === before || next >= args.length) break;
  }
  return { output, errors };
}

/** `echo -e`: backslash escapes; `\c` ends the output (no newline either). */
export function echoEscapes(text: string): { text: string; stop: boolean } {
  let output = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\') {
      output += text[i];
      continue;
    }
    const escape = readEscape(text, i + 1, true);
    if (escape.stop) return { text: output, stop: true };
    output += escape.text;
    i = escape.end - 1;
  }
  return { text: output, stop: false };
}

/** The escape after a backslash at `start`; `end` is the index after it. `\0nnn` octal in echo, `\nnn` in printf. */
function readEscape(text: string, start: number, echoStyle: boolean): { text: string; end: number; stop: boolean } {
  const char = text[start];
  const simple: Record<string, string> = {
    n: '\n',
    t: '\t',
    r: '\r',
    '\\': '\\',
    a: '\x07',
    b: '\b',
    f: '\f',
    v: '\v',
    e: '\x1b',
    '"': '"',
    "'": "'",
  };
  if (char === undefined) return { text: '\\', end: start, stop: false };
  if (char === 'c') return { text: '', end: start + 1, stop: true };
  if (simple[char] !== undefined) return { text: simple[char], end: start + 1, stop: false };
  if (/[0-7]/.test(char) && (!echoStyle || char === '0')) {
    const from = echoStyle ? start + 1 : start;
    let end = from;
    while (end < text.length && end < from + 3 && /[0-7]/.test(text[end])) end++;
    const code = end > from ? parseInt(text.slice(from, end), 8) : 0;
    return { text: String.fromCharCode(code & 0xff), end, stop: false };
  }
  if (char === 'x' && /[0-9a-fA-F]/.test(text[start + 1] ?? '')) {
    let end = start + 1;
    while (end < text.length && end < start + 3 && /[0-9a-fA-F]/.test(text[end])) end++;
    return { text: String.fromCharCode(parseInt(text.slice(start + 1, end), 16)), end, stop: false };
  }
  return { text: `\\${char}`, end: start + 1, stop: false };
}

function convert(
  conversion: string,
  flags: string,
  precision: number | undefined,
  arg: string | undefined,
  errors: string[],
): { text: string; numeric: boolean; stop?: boolean } {
  switch (conversion) {
    case 's': {
      const text = arg ?? '';
      return { text: precision === undefined ? text : text.slice(0, precision), numeric: false };
    }
    case 'b': {
      const escaped = echoEscapes(arg ?? '');
      return { text: escaped.text, numeric: false, stop: escaped.stop };
    }
    case 'c':
      return { text: (arg ?? '').slice(0, 1), numeric: false };
    case 'd':
    case 'i': {
      const value = toInteger(arg ?? '', errors);
      const sign = value < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
      let digits = Math.abs(value).toString();
      if (precision !== undefined) digits = digits.padStart(precision, '0');
      return { text: sign + digits, numeric: true };
    }
    case 'u':
    case 'o':
    case 'x':
    case 'X': {
      let value = BigInt(toInteger(arg ?? '', errors));
      if (value < 0n) value += 2n ** 64n;
      const radix = conversion === 'o' ? 8 : conversion === 'u' ? 10 : 16;
      let digits = value.toString(radix);
      if (conversion === 'X') digits = digits.toUpperCase();
      if (precision !== undefined) digits = digits.padStart(precision, '0');
      if (flags.includes('#') && value !== 0n)
        digits = (conversion === 'o' ? '0' : conversion === 'x' ? '0x' : conversion === 'X' ? '0X' : '') + digits;
      return { text: digits, numeric: true };
    }
    default: {
      const value = toFloat(arg ?? '', errors);
      const digits = precision ?? 6;
      let text: string;
      if (conversion === 'f') text = value.toFixed(digits);
      else if (conversion === 'e' || conversion === 'E') text = cExponent(value.toExponential(digits));
      else text = gFormat(value, digits === 0 ? 1 : digits);
      if (conversion === 'E' || conversion === 'G') text = text.toUpperCase();
      if (value >= 0 && flags.includes('+')) text = `+${text}`;
      return { text, numeric: true };
    }
  }
}

function pad(text: string, flags: string, width: number | undefined, numeric: boolean): string {
  if (width === undefined || text.length >= width) return text;
  if (flags.includes('-')) return text.padEnd(width);
  if (numeric && flags.includes('0')) {
    const sign = /^[-+ ]/.test(text) ? text[0] : '';
    return sign + text.slice(sign.length).padStart(width - sign.length, '0');
  }
  return text.padStart(width);
}

/** An integer argument as printf reads it: decimal, 0x hex, 0 octal, or `'c` for a character code. */
function toInteger(arg: string, errors: string[]): number {
  const text = arg.trim();
  if (text === '') return 0;
  if (text.startsWith("'") || text.startsWith('"')) return text.codePointAt(1) ?? 0;
  const match = /^([-+]?)(0x[0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!match) {
    errors.push(`printf: invalid number '${arg}'`);
    const leading = /^[-+]?\d+/.exec(text);
    return leading ? Number(leading[0]) : 0;
  }
  const [, sign, body] = match;
  const value = body.startsWith('0x')
    ? parseInt(body, 16)
    : body.length > 1 && body.startsWith('0')
      ? parseInt(body, 8)
      : Number(body);
  return sign === '-' ? -value : value;
}

function toFloat(arg: string, errors: string[]): number {
  const text = arg.trim();
  if (text === '') return 0;
  if (text.startsWith("'") || text.startsWith('"')) return text.codePointAt(1) ?? 0;
  const value = Number(text);
  if (Number.isNaN(value)) {
    errors.push(`printf: invalid number '${arg}'`);
    return 0;
  }
  return value;
}

/** JavaScript writes `1.5e+0`; C writes `1.500000e+00`. */
function cExponent(text: string): string {
  return text.replace(/e([+-])(\d)$/, 'e$10$2');
}

function gFormat(value: number, precision: number): string {
  if (value === 0) return '0';
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  if (exponent < -4 || exponent >= precision) {
    return cExponent(value.toExponential(precision - 1).replace(/\.?0+e/, 'e'));
  }
  const fixed = value.toFixed(Math.max(0, precision - 1 - exponent));
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}
