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
 * Cuts a byte stream into its newline-separated lines, chunk by chunk, each line as the bytes between two newlines
 * (a last line without newline included, an empty last piece after a final newline not). Each chunk is searched for
 * a newline only in its own bytes, and a line is joined once when complete, so a long line costs linear time; the
 * newline byte never occurs inside a multi-byte UTF-8 sequence, so a character split across chunks arrives whole in
 * its line. Synchronous, so that a reader can take all the lines of a chunk in one step.
 */
export class ByteLineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly options: ByteLinesOptions) {}

  /** The lines this chunk completes (and the pieces of an over-long line), in order. */
  push(chunk: Buffer): Buffer[] {
    const lines: Buffer[] = [];
    let start = 0;
    for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, start)) {
      const end = chunk.subarray(start, newline);
      start = newline + 1;
      const line =
        this.pendingBytes === 0 ? end : Buffer.concat([...this.pending, end], this.pendingBytes + end.length);
      this.pending = [];
      this.pendingBytes = 0;
      const { pieces, rest } = splitOff(line, this.options);
      lines.push(...pieces, rest);
    }
    if (start < chunk.length) {
      this.pending.push(chunk.subarray(start));
      this.pendingBytes += chunk.length - start;
      if (this.pendingBytes > this.options.maxLineBytes) {
        // A line still without its end: what is over the limit goes on (or fails) now, not when the newline comes.
        const { pieces, rest } = splitOff(Buffer.concat(this.pending, this.pendingBytes), this.options);
        lines.push(...pieces);
        this.pending = [rest];
        this.pendingBytes = rest.length;
      }
    }
    return lines;
  }

  /** The last line, when the stream ended without a newline after it. */
  end(): Buffer[] {
    if (this.pendingBytes === 0) return [];
    const { pieces, rest } = splitOff(Buffer.concat(this.pending, this.pendingBytes), this.options);
    this.pending = [];
    this.pendingBytes = 0;
    return [...pieces, rest];
  }
}

/** The lines of a byte stream, one by one (`ByteLineSplitter`). */
export async function* byteLines(chunks: AsyncIterable<Buffer>, options: ByteLinesOptions): AsyncGenerator<Buffer> {
  const splitter = new ByteLineSplitter(options);
  for await (const chunk of chunks) yield* splitter.push(chunk);
  yield* splitter.end();
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
