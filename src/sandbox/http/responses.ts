import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { KubeStatus } from '../../common/kube/kube-objects.js';
import { KubeStatusError } from '../kube-status-error.js';

export const JSON_CONTENT_TYPE = 'application/json';

/** The headers every API server response carries (Audit-Id, no caching of authorized content). */
export function apiHeaders(contentType = JSON_CONTENT_TYPE): Record<string, string> {
  return { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', 'Audit-Id': randomUUID() };
}

export function writeJson(res: ServerResponse, code: number, body: unknown, contentType = JSON_CONTENT_TYPE): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { ...apiHeaders(contentType), 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function writeStatus(
  res: ServerResponse,
  error: KubeStatusError,
  extraHeaders: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const [name, value] of Object.entries(extraHeaders)) res.setHeader(name, value);
  writeJson(res, error.status.code, error.status);
}

/** A `Status` with `status: Success` (a delete of an object the registry does not return, a binding). */
export function successStatus(code: number, details?: KubeStatus['details']): KubeStatus {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', ...(details ? { details } : {}), code };
}

export function notFoundPath(): KubeStatusError {
  return KubeStatusError.of(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function internalError(error: unknown): KubeStatusError {
  const message = error instanceof Error ? error.message : String(error);
  return KubeStatusError.of(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

export function asStatusError(error: unknown): KubeStatusError {
  return error instanceof KubeStatusError ? error : internalError(error);
}

/**
 * Writes text pieces with backpressure: waits for `drain` whenever the socket's buffer is full, so that a 100k-item
 * list is never held in memory twice. Resolves false when the client went away.
 */
export class ChunkedWriter {
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(
    private readonly res: ServerResponse,
    private readonly chunkSize = 256 * 1024,
  ) {}

  async push(text: string): Promise<boolean> {
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength < this.chunkSize) return !this.res.destroyed;
    return this.flush();
  }

  async flush(): Promise<boolean> {
    if (this.pending.length === 0) return !this.res.destroyed;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    if (this.res.destroyed) return false;
    if (this.res.write(chunk)) return true;
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        this.res.off('drain', onDrain);
        this.res.off('close', onClose);
        resolve(ok);
      };
      const onDrain = () => done(true);
      const onClose = () => done(false);
      this.res.on('drain', onDrain);
      this.res.on('close', onClose);
    });
  }

  async end(text = ''): Promise<void> {
    if (text) this.pending.push(text);
    await this.flush();
    if (!this.res.destroyed) this.res.end();
  }
}
