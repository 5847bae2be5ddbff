import { request as httpsRequest } from 'node:https';
import type { KubePod } from '../../src/common/kube/kube-objects.js';
import type { SandboxServer } from '../../src/sandbox/sandbox-server.js';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  /** `null` sends no Authorization header. */
  token?: string | null;
  headers?: Record<string, string>;
  contentType?: string;
  signal?: AbortSignal;
}

/** Plain `fetch` against a simulator, with its full-access token unless told otherwise. */
export async function call<T = unknown>(
  server: SandboxServer,
  path: string,
  options: CallOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? server.token : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${server.url}${path}`, {
    method: options.method ?? 'GET',
    headers,
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
    signal: options.signal,
  });
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get('content-type') ?? '').startsWith('application/json') && text) body = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: body as T, text };
}

/** A GET over HTTPS trusting `ca` (fetch cannot take a CA). */
export function httpsGet(url: string, token: string, ca?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      url,
      { headers: { authorization: `Bearer ${token}` }, ...(ca ? { ca } : {}) },
      (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

/** A minimal pod to create: one container, optional labels, annotations and spec fields. */
export function newPod(
  name: string,
  options: {
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    spec?: Record<string, unknown>;
    image?: string;
  } = {},
): KubePod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: options.namespace ?? 'default',
      ...(options.labels ? { labels: options.labels } : {}),
      ...(options.annotations ? { annotations: options.annotations } : {}),
    },
    spec: { containers: [{ name: 'app', image: options.image ?? 'nginx:1.27.3' }], ...options.spec },
  };
}

/** Reads a watch stream's JSON lines as they arrive. */
export class WatchReader {
  readonly events: {
    type: string;
    object: Record<string, unknown> & {
      metadata?: { name?: string; resourceVersion?: string; deletionTimestamp?: string };
    };
  }[] = [];
  ended = false;
  error?: unknown;
  private readonly abort = new AbortController();

  private constructor() {}

  static async open(
    server: SandboxServer,
    path: string,
    options: CallOptions = {},
  ): Promise<WatchReader & { status: number }> {
    const reader = new WatchReader();
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.token ?? server.token}`,
      ...options.headers,
    };
    const response = await fetch(`${server.url}${path}`, { headers, signal: reader.abort.signal });
    void reader.consume(response.body);
    return Object.assign(reader, { status: response.status });
  }

  close(): void {
    this.abort.abort();
  }

  private async consume(body: ReadableStream<Uint8Array> | null): Promise<void> {
    if (!body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (line.trim()) this.events.push(JSON.parse(line) as WatchReader['events'][number]);
        }
      }
    } catch (error) {
      this.error = error;
    } finally {
      this.ended = true;
    }
  }
}
