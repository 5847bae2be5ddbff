import { byteLines } from '../common/streams/byte-lines.js';

/** The longest log line sent as one `log` message; a longer one is sent in pieces of this size. */
export const MAX_LOG_LINE_BYTES = 1024 * 1024;

/**
 * A container's log as text lines, in order: each without its line ending (`\n`, or `\r\n`), a last line without a
 * newline kept, no line ever cut inside a UTF-8 character however the bytes were chunked. A line longer than
 * `maxLineBytes` comes in pieces (a container may write one line without end; the service holds at most one piece).
 * Bytes that are not UTF-8 become U+FFFD, as any text decoder makes them.
 */
export async function* utf8Lines(
  chunks: AsyncIterable<Buffer>,
  maxLineBytes = MAX_LOG_LINE_BYTES,
): AsyncGenerator<string> {
  for await (const line of byteLines(chunks, { maxLineBytes, overLong: 'split' })) {
    const end = line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
    yield line.toString('utf8', 0, end);
  }
}
