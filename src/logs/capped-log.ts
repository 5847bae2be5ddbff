/** A log read for one REST answer: at most the cap, and whether the cap cut it. */
export interface CappedLog {
  logs: string;
  truncated: boolean;
}

/**
 * The `limitBytes` the API server is asked for: the client's own limit, but never more than one byte past the cap.
 * That one byte tells a log longer than the cap (cut: `truncated`) from one of exactly the cap's size.
 */
export function upstreamLimitBytes(requested: number | undefined, maxBytes: number): number {
  return Math.min(requested ?? Number.POSITIVE_INFINITY, maxBytes + 1);
}

/**
 * Reads a log body up to `maxBytes`: the text, and whether there was more (then the text is cut at the cap). Stops
 * pulling once it holds more than the cap, whatever the server sends, so a reader holds at most one chunk past it.
 */
export async function readCappedLog(body: AsyncIterable<Buffer>, maxBytes: number): Promise<CappedLog> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > maxBytes) break;
  }
  const bytes = Buffer.concat(chunks, size);
  return { logs: completeUtf8Text(bytes.subarray(0, maxBytes)), truncated: size > maxBytes };
}

/**
 * Bytes as text, without a last character that the bytes end inside of: a cut — the cap's, or the API server's
 * `limitBytes`, which cuts the byte stream wherever it falls — never leaves half a character (or its U+FFFD) at the
 * end. Bytes that are no UTF-8 elsewhere become U+FFFD; a byte-order mark is kept, as `kubectl logs` prints it.
 */
export function completeUtf8Text(bytes: Uint8Array): string {
  // In streaming mode the decoder holds back an incomplete last sequence instead of replacing it.
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes, { stream: true });
}
