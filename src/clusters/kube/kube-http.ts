import { request as httpRequest, type Agent, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';

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
    // The connection (TCP, and the TLS handshake for https) must be up within the connect timeout; a reused
    // keep-alive socket already is.
    outgoing.once('socket', (socket: Socket) => {
      if (!socket.connecting) return;
      const timer = setTimeout(
        () => outgoing.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })),
        request.connectTimeoutMs,
      );
      socket.once(request.url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(timer));
      socket.once('close', () => clearTimeout(timer));
    });
    outgoing.once('response', resolve);
    outgoing.once('error', reject);
    outgoing.end(request.body);
  });
}

/** The whole body as text, up to `maxBytes` (more is cut: error bodies are only read for their Status). */
export async function readBody(response: IncomingMessage, maxBytes = Number.POSITIVE_INFINITY): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    if (size < maxBytes) chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Newline-delimited JSON (a watch stream) as parsed values, in order. A line that is not JSON is reported
 * through `onUnparsable`, not dropped silently.
 */
export async function* jsonLines(
  response: IncomingMessage,
  onUnparsable: (line: string) => void,
): AsyncGenerator<unknown> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  for await (const chunk of response as AsyncIterable<Buffer>) {
    const lines = (pending + decoder.decode(chunk, { stream: true })).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) yield* parsed(line, onUnparsable);
  }
  yield* parsed(pending + decoder.decode(), onUnparsable);
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
