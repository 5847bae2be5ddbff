/** A line longer than the reader accepts (a watch event, say), when it was asked to fail on one. */
export class LineTooLongError extends Error {
  constructor(readonly limitBytes: number) {
    super(`a line is longer than ${limitBytes} bytes`);
    this.name = 'LineTooLongError';
  }
}

export interface ByteLinesOptions {
  /** The longest line taken whole, in bytes (without its newline). */
  maxLineBytes: number;
  /**
   * What a longer line does: `fail` throws `LineTooLongError`; `split` yields it in pieces of at most `maxLineBytes`,
   * each cut at a UTF-8 character boundary (a log line may be of any length; memory may not).
   */
  overLong: 'fail' | 'split';
}

const NEWLINE = 0x0a;

/**
 * Newline-separated lines of a byte stream, each as the bytes between two newlines (a last line without newline
 * included, an empty last piece after a final newline not). Each chunk is searched for a newline only in its own
 * bytes, and a line is joined once when complete, so a long line costs linear time; the newline byte never occurs
 * inside a multi-byte UTF-8 sequence, so a character split across chunks arrives whole in its line.
 */
export async function* byteLines(chunks: AsyncIterable<Buffer>, options: ByteLinesOptions): AsyncGenerator<Buffer> {
  const { maxLineBytes } = options;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of chunks) {
    let start = 0;
    for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, start)) {
      const end = chunk.subarray(start, newline);
      start = newline + 1;
      const line = pendingBytes === 0 ? end : Buffer.concat([...pending, end], pendingBytes + end.length);
      pending = [];
      pendingBytes = 0;
      const { pieces, rest } = splitOff(line, options);
      yield* pieces;
      yield rest;
    }
    if (start === chunk.length) continue;
    pending.push(chunk.subarray(start));
    pendingBytes += chunk.length - start;
    if (pendingBytes > maxLineBytes) {
      // A line still without its end: what is over the limit goes on (or fails) now, not when the newline comes.
      const { pieces, rest } = splitOff(Buffer.concat(pending, pendingBytes), options);
      yield* pieces;
      pending = [rest];
      pendingBytes = rest.length;
    }
  }
  if (pendingBytes > 0) {
    const { pieces, rest } = splitOff(Buffer.concat(pending, pendingBytes), options);
    yield* pieces;
    yield rest;
  }
}

/**
 * The leading pieces of `line` that make its remainder fit the limit: at most `maxLineBytes` each, cut at character
 * boundaries; `rest` is at most `maxLineBytes`. Fails instead when the reader does not split.
 */
function splitOff(line: Buffer, options: ByteLinesOptions): { pieces: Buffer[]; rest: Buffer } {
  const { maxLineBytes } = options;
  if (line.length <= maxLineBytes) return { pieces: [], rest: line };
  if (options.overLong === 'fail') throw new LineTooLongError(maxLineBytes);
  const pieces: Buffer[] = [];
  let start = 0;
  while (line.length - start > maxLineBytes) {
    const cut = characterBoundary(line, start + maxLineBytes, start);
    pieces.push(line.subarray(start, cut));
    start = cut;
  }
  return { pieces, rest: line.subarray(start) };
}

/**
 * The largest offset ≤ `at` that does not fall inside a UTF-8 character (continuation bytes are 10xxxxxx) and is past
 * `from`; bytes that are not UTF-8 at all are cut where the limit falls.
 */
function characterBoundary(bytes: Buffer, at: number, from: number): number {
  let cut = at;
  while (cut > from && (bytes[cut] & 0xc0) === 0x80) cut--;
  return cut > from ? cut : at;
}
