import type { IncomingHttpHeaders } from 'node:http';
import WebSocket, { type ClientOptions } from 'ws';
import { rawText } from '../../src/common/ws/ws-message.js';

export interface ReceivedMessage {
  type: string;
  [field: string]: unknown;
}

/**
 * A WebSocket test client that queues the server's JSON messages, so a test can wait for the next one of a type.
 * `next(type)` rejects after a deadline listing what was received, which makes a failing test say why.
 */
export class WsTestClient {
  readonly received: ReceivedMessage[] = [];
  private readonly waiters: { type: string; resolve: (message: ReceivedMessage) => void }[] = [];
  private readonly consumed = new Set<number>();
  private readonly watchers = new Set<() => void>();
  closed?: { code: number; reason: string };

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(rawText(data)) as ReceivedMessage;
      this.received.push(message);
      this.deliver();
      for (const watcher of this.watchers) watcher();
    });
    socket.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  static connect(url: string, options?: ClientOptions, protocols?: string[]): Promise<WsTestClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, protocols, options);
      const client = new WsTestClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => reject(new UpgradeRefused(response.statusCode ?? 0, body, response.headers)));
      });
    });
  }

  send(message: object | string): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next not yet consumed message of `type` (messages of other types stay in `received`). */
  next(type: string, { timeoutMs = 5000 } = {}): Promise<ReceivedMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.waiters.findIndex((waiter) => waiter.resolve === done);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new Error(`no "${type}" message within ${timeoutMs} ms; received: ${JSON.stringify(this.received)}`));
      }, timeoutMs);
      const done = (message: ReceivedMessage) => {
        clearTimeout(timer);
        resolve(message);
      };
      this.waiters.push({ type, resolve: done });
      this.deliver();
    });
  }

  /** The `data` of every message of `type` received so far, joined: a terminal's output as its user sees it. */
  joined(type: string): string {
    return this.received
      .filter((message) => message.type === type)
      .map((message) => message.data as string)
      .join('');
  }

  /** Resolves once `check()` holds, checked now and on each message; rejects after the deadline listing the messages. */
  until(check: () => boolean, { timeoutMs = 5000 } = {}): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const watcher = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.watchers.delete(watcher);
        resolve();
      };
      const timer = setTimeout(() => {
        this.watchers.delete(watcher);
        reject(new Error(`condition not met within ${timeoutMs} ms; received: ${JSON.stringify(this.received)}`));
      }, timeoutMs);
      this.watchers.add(watcher);
    });
  }

  /** Resolves with the close code once the server has closed the socket. */
  waitClosed({ timeoutMs = 5000 } = {}): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs);
      this.socket.once('close', (code, reason) => {
        clearTimeout(timer);
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  close(): void {
    this.socket.close();
  }

  private deliver(): void {
    for (let w = 0; w < this.waiters.length;) {
      const waiter = this.waiters[w];
      const index = this.received.findIndex(
        (message, position) => message.type === waiter.type && !this.consumed.has(position),
      );
      if (index < 0) {
        w++;
        continue;
      }
      this.consumed.add(index);
      this.waiters.splice(w, 1);
      waiter.resolve(this.received[index]);
    }
  }
}

export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly headers: IncomingHttpHeaders,
  ) {
    super(`upgrade refused with ${status}: ${body}`);
  }
}
