import {
  request as httpRequest,
  type Agent,
  type ClientRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { byteLines, LineTooLongError } from '../../common/streams/byte-lines.js';

export interface KubeHttpRequest {
  method: 'GET' | 'DELETE' | 'POST' | 'PUT' | 'PATCH';
  url: URL;
  headers: OutgoingHttpHeaders;
  agent?: Agent;
  /** `user:password` for basic auth. */
  auth?: string;
  body?: string;
  signal?: AbortSignal;
  /** A socket that has not connected within this time fails with ETIMEDOUT. */
  connectTimeoutMs: number;
}

/**
 * One HTTP(S) request to an API server, resolving with the response once its headers arrived. The body is left to
 * the caller (read whole, or streamed for watches and logs); `signal` aborts the request and its body.
 */
export function sendKubeRequest(request: KubeHttpRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const send = request.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const outgoing = send(request.url, {
      method: request.method,
      // A body goes with its length: Node would otherwise send a DELETE body chunked, which some servers refuse.
      headers:
        request.body === undefined
          ? request.headers
          : { ...request.headers, 'Content-Length': Buffer.byteLength(request.body) },
      agent: request.agent,
      auth: request.auth,
      signal: request.signal,
    });
    limitConnectTime(outgoing, request.url, request.connectTimeoutMs);
    outgoing.once('response', resolve);
    outgoing.once('error', reject);
    // As bytes: Node writes a string body in one piece with the header block, encoding both as UTF-8, which would
    // turn a header value's bytes above 0x7F (a non-ASCII Impersonate-User) into two bytes each.
    outgoing.end(request.body === undefined ? undefined : Buffer.from(request.body, 'utf8'));
  });
}

/**
 * Fails `outgoing` with ETIMEDOUT unless its connection (TCP, and the TLS handshake for https) is up within
 * `connectTimeoutMs`; a reused keep-alive socket already is.
 */
export function limitConnectTime(outgoing: ClientRequest, url: URL, connectTimeoutMs: number): void {
  outgoing.once('socket', (socket: Socket) => {
    if (!socket.connecting) return;
    const timer = setTimeout(
      () => outgoing.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })),
      connectTimeoutMs,
    );
    const secure = url.protocol === 'https:' || url.protocol === 'wss:';
    socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
  });
}

/** An answer, or one line of a watch, larger than the service reads from a cluster. */
export class ResponseTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`larger than ${formatBytes(limitBytes)}`);
    this.name = 'ResponseTooLargeError';
  }
}

/**
 * The whole body as text. A body over `maxBytes` is not read further: the response is destroyed at once (which
 * aborts the request and closes its connection) and `ResponseTooLargeError` is thrown, so a server that never ends
 * its answer costs at most `maxBytes` of memory.
 */
export async function readBody(response: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      response.destroy();
      throw new ResponseTooLargeError(maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/** The first `maxBytes` of a body as text; the rest is not read (error bodies are read only for their Status). */
export async function readBodyPrefix(response: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    chunks.push(chunk.subarray(0, maxBytes - size));
    size += Math.min(chunk.length, maxBytes - size);
    if (size >= maxBytes) {
      response.destroy();
      break;
    }
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

export interface JsonLinesOptions {
  /** A line longer than this fails the stream with `ResponseTooLargeError`. */
  maxLineBytes: number;
  /** Called with each line that is not JSON, which is then skipped (never dropped silently). */
  onUnparsable: (line: string) => void;
}

/**
 * Newline-delimited JSON (a watch stream) as parsed values, in order, each line read in linear time and decoded once
 * (`byteLines`). A line over `maxLineBytes` fails the stream with `ResponseTooLargeError`.
 */
export async function* jsonLines(body: AsyncIterable<Buffer>, options: JsonLinesOptions): AsyncGenerator<unknown> {
  try {
    for await (const line of byteLines(body, { maxLineBytes: options.maxLineBytes, overLong: 'fail' }))
      yield* parsed(line.toString('utf8'), options.onUnparsable);
  } catch (error) {
    if (error instanceof LineTooLongError) throw new ResponseTooLargeError(error.limitBytes);
    throw error;
  }
}

function* parsed(line: string, onUnparsable: (line: string) => void): Generator<unknown> {
  const text = line.trim();
  if (!text) return;
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    onUnparsable(text);
    return;
  }
  yield value;
}

const KIB = 1024;
const MIB = 1024 * KIB;

/** `64 MiB`, `512 KiB`, `1000 bytes`: a size as a setting's value reads best. */
export function formatBytes(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB} MiB`;
  if (bytes >= KIB && bytes % KIB === 0) return `${bytes / KIB} KiB`;
  return bytes === 1 ? '1 byte' : `${bytes} bytes`;
}
