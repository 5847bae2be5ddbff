/**
 * Time text exactly as the Kubernetes API server and kubelet (Go) read and write it.
 *
 * - `parseRfc3339()` is Go's `time.Parse(time.RFC3339, value)`, error texts included, because a bad `sinceTime`
 *   answers with them (`metav1.Time.UnmarshalQueryParameter`). Ported from Go 1.24 `src/time/format.go` (`parse`,
 *   `getnum`, `skip`, `parseNanoseconds`, `ParseError.Error`), for the one layout the API server uses.
 * - `formatRfc3339NanoFixed()` is the kubelet's log timestamp, `types.RFC3339NanoFixed`
 *   (`2006-01-02T15:04:05.000000000Z07:00`, pkg/kubelet/kuberuntime/logs/logs.go `timeFormatOut`), always in UTC.
 */

const RFC3339_LAYOUT = '2006-01-02T15:04:05Z07:00';

/** `parsing time "…" as "…": cannot parse "…" as "…"`: the text of Go's `*time.ParseError`. */
export class GoTimeParseError extends Error {
  constructor(value: string, valueElem: string, layoutElem: string, message?: string) {
    super(
      message === undefined
        ? `parsing time ${goQuote(value)} as ${goQuote(RFC3339_LAYOUT)}: cannot parse ${goQuote(valueElem)} as ${goQuote(layoutElem)}`
        : `parsing time ${goQuote(value)}${message}`,
    );
    this.name = 'GoTimeParseError';
  }
}

/** Milliseconds since the epoch of an RFC 3339 time as Go reads it (fractional seconds accepted, nanoseconds cut to ms). */
export function parseRfc3339(value: string): number {
  let rest = value;
  const fail = (layoutElem: string, at: string): never => {
    throw new GoTimeParseError(value, at, layoutElem);
  };
  const outOfRange = (what: string): never => {
    throw new GoTimeParseError(value, '', '', `: ${what} out of range`);
  };
  const literal = (text: string): void => {
    for (const char of text) {
      if (!rest.startsWith(char)) fail(text, rest);
      rest = rest.slice(1);
    }
  };
  /** Go's getnum: one or two digits; `fixed` demands two. */
  const number = (layoutElem: string, fixed: boolean): number => {
    const hold = rest;
    if (!isDigit(rest, 0)) return fail(layoutElem, hold);
    if (!isDigit(rest, 1)) {
      if (fixed) return fail(layoutElem, hold);
      rest = rest.slice(1);
      return Number(hold[0]);
    }
    rest = rest.slice(2);
    return Number(hold.slice(0, 2));
  };

  if (rest.length < 4 || !isDigit(rest, 0) || !/^\d{4}$/.test(rest.slice(0, 4))) fail('2006', rest);
  const year = Number(rest.slice(0, 4));
  rest = rest.slice(4);
  literal('-');
  const month = number('01', true);
  if (month <= 0 || month > 12) outOfRange('month');
  literal('-');
  const day = number('02', true);
  literal('T');
  const hour = number('15', false);
  if (hour >= 24) outOfRange('hour');
  literal(':');
  const minute = number('04', true);
  if (minute >= 60) outOfRange('minute');
  literal(':');
  const second = number('05', true);
  if (second >= 60) outOfRange('second');
  let millis = 0;
  // Go accepts a fractional second the layout does not mention.
  if (rest.length >= 2 && (rest[0] === '.' || rest[0] === ',') && isDigit(rest, 1)) {
    let end = 2;
    while (end < rest.length && isDigit(rest, end)) end++;
    millis = Number(rest.slice(1, Math.min(end, 4)).padEnd(3, '0'));
    rest = rest.slice(end);
  }
  let offsetMinutes = 0;
  if (rest.startsWith('Z')) {
    rest = rest.slice(1);
  } else {
    const hold = rest;
    if (rest.length < 6 || rest[3] !== ':') fail('Z07:00', hold);
    const sign = rest[0];
    const hours = rest.slice(1, 3);
    const minutes = rest.slice(4, 6);
    if (!/^\d\d$/.test(hours) || !/^\d\d$/.test(minutes)) fail('Z07:00', hold);
    if (Number(hours) > 24) outOfRange('time zone offset hour');
    if (Number(minutes) > 60) outOfRange('time zone offset minute');
    if (sign !== '+' && sign !== '-') fail('Z07:00', hold);
    offsetMinutes = (Number(hours) * 60 + Number(minutes)) * (sign === '-' ? -1 : 1);
    rest = rest.slice(6);
  }
  if (rest.length > 0) throw new GoTimeParseError(value, '', '', `: extra text: ${goQuote(rest)}`);
  if (day < 1 || day > daysIn(month, year)) outOfRange('day');

  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, millis);
  return utc.getTime() - offsetMinutes * 60_000;
}

/**
 * `2026-01-01T00:00:00.123456000Z` for a time in microseconds since the epoch: the kubelet's fixed nine digits
 * (the last three are always 0 here: the simulator keeps microseconds).
 */
export function formatRfc3339NanoFixed(micros: number): string {
  const millis = Math.floor(micros / 1000);
  const iso = new Date(millis).toISOString(); // 2026-01-01T00:00:00.123Z
  const subMillis = String(micros - millis * 1000).padStart(3, '0');
  return `${iso.slice(0, 23)}${subMillis}000Z`;
}

/** Go's `strconv.Quote` for the printable ASCII that these messages carry; other characters escaped as Go does. */
export function goQuote(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

function isDigit(text: string, index: number): boolean {
  const char = text[index];
  return char !== undefined && char >= '0' && char <= '9';
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
