import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { buildKubeconfig } from '../../src/sandbox/kubeconfig.js';
import { aPod } from './pod-builder.js';

/** What the server wrote into one endless answer, and whether the client hung up on it. */
export interface EndlessAnswer {
  bytes: number;
  closed: boolean;
}

export interface HostileOptions {
  /** An endless answer stops growing (but never ends) after this much, so that a client that reads on is bounded. */
  stallAfterBytes?: number;
}

const CHUNK = Buffer.alloc(64 * 1024, 'x');
const LOG_LINE = 'a first line\n';

/**
 * A broken or hostile Kubernetes API server on loopback, plain HTTP: `/version`, node and pod LISTs answer normally,
 * but the pod `endless` is a GET whose body never ends, every pod watch sends one line that never ends, and the log
 * of the pod `calm` stops after its first line without ending. Each
 * endless answer is recorded, so a test can see how much of it a client read before hanging up.
 */
export class HostileApiServer {
  readonly podGets: EndlessAnswer[] = [];
  readonly watches: EndlessAnswer[] = [];
  /** Log reads of the pod `calm`: a first line, then nothing, never ending. */
  readonly logReads: EndlessAnswer[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: Required<HostileOptions>,
  ) {}

  static async start(options: HostileOptions = {}): Promise<HostileApiServer> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const hostile = new HostileApiServer(server, `http://127.0.0.1:${port}`, {
      stallAfterBytes: options.stallAfterBytes ?? 256 * 1024 * 1024,
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => hostile.handle(req, res));
    server.on('connection', (socket: Socket) => {
      hostile.sockets.add(socket);
      socket.once('close', () => hostile.sockets.delete(socket));
    });
    return hostile;
  }

  kubeconfig(contextName: string): string {
    return buildKubeconfig({ server: this.url, token: 'hostile-token', contextName });
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const path = url.pathname;
    if (path === '/version') return json(res, { major: '1', minor: '35', gitVersion: 'v1.35.0-hostile' });
    if (path === '/api/v1/nodes') return json(res, list([{ metadata: { name: 'node-1', resourceVersion: '5' } }]));
    if (path === '/api/v1/pods' && url.searchParams.has('watch')) {
      return void this.endless(res, this.watches, '{"type":"ADDED","object":{"metadata":{"name":"');
    }
    if (path === '/api/v1/pods' || path === '/api/v1/namespaces/default/pods') return json(res, list(PODS));
    if (path === '/api/v1/namespaces/default/pods/endless') {
      return void this.endless(res, this.podGets, '{"kind":"Pod","apiVersion":"v1","metadata":{"name":"');
    }
    if (path === '/api/v1/namespaces/default/pods/calm') return json(res, PODS[1]);
    if (path === '/api/v1/namespaces/default/pods/calm/log') return this.silentLog(res);
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
  }

  /** A 200 log answer that sends one line and then nothing, as a kubelet that hangs. */
  private silentLog(res: ServerResponse): void {
    const answer: EndlessAnswer = { bytes: LOG_LINE.length, closed: false };
    this.logReads.push(answer);
    res.once('close', () => (answer.closed = true));
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write(LOG_LINE);
  }

  /** A 200 whose body starts as JSON and then grows one string without end, as fast as the client reads. */
  private async endless(res: ServerResponse, record: EndlessAnswer[], start: string): Promise<void> {
    const answer: EndlessAnswer = { bytes: 0, closed: false };
    record.push(answer);
    res.once('close', () => (answer.closed = true));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write(start);
    while (!answer.closed && answer.bytes < this.options.stallAfterBytes) {
      answer.bytes += CHUNK.length;
      if (!res.write(CHUNK)) await drainedOrClosed(res);
    }
  }
}

const PODS = [aPod('endless').running().build(), aPod('calm').running().build()].map((pod, index) => ({
  ...pod,
  metadata: { ...pod.metadata, resourceVersion: String(6 + index) },
}));

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

function list(items: unknown[]): unknown {
  return { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '7' }, items };
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
