import { ByteLineSplitter } from '../common/streams/byte-lines.js';

/** The longest log line sent as one `log` message; a longer one is sent in pieces of this size. */
export const MAX_LOG_LINE_BYTES = 1024 * 1024;

/**
 * A container's log as text lines, in order, in batches: the lines each chunk of the body completes (never an empty
 * batch), so that a relay handles a chunk's lines in one step instead of awaiting each. Each line comes without its
 * ending (`\n`, or `\r\n`), a last line without a newline is kept, no line is ever cut inside a UTF-8 character
 * however the bytes were chunked, and a line longer than `maxLineBytes` comes in pieces (a container may write one
 * line without end; the service holds at most one piece). Bytes that are not UTF-8 become U+FFFD, as any text decoder
 * makes them.
 */
export async function* utf8LineBatches(
  chunks: AsyncIterable<Buffer>,
  maxLineBytes = MAX_LOG_LINE_BYTES,
): AsyncGenerator<string[]> {
  const splitter = new ByteLineSplitter({ maxLineBytes, overLong: 'split' });
  for await (const chunk of chunks) {
    const lines = splitter.push(chunk);
    if (lines.length > 0) yield lines.map(decode);
  }
  const last = splitter.end();
  if (last.length > 0) yield last.map(decode);
}

function decode(line: Buffer): string {
  const end = line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
  return line.toString('utf8', 0, end);
}
