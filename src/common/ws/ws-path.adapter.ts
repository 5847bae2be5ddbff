import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { ApiError, asApiError, retryAfterSeconds } from '../errors/api-error.js';
import { REQUEST_ID_HEADER, requestIdFrom, runWithRequestContext } from '../request-context.js';
import { RoutePattern } from './route-pattern.js';
import { rawText } from './ws-message.js';

/** What the adapter settled about a connection before the upgrade; gateways read it from the request. */
export interface WsRoute {
  /** The gateway's path pattern that matched. */
  pattern: string;
  params: Record<string, string>;
  /** Query parameters; a repeated one keeps its first value. */
  query: Record<string, string>;
}

export type UpgradedRequest = IncomingMessage & { route: WsRoute; requestId: string };

/**
 * A check that runs before a WebSocket upgrade is accepted (authentication, Origin allow-list, grants): it throws an
 * `ApiError` to refuse, and the client gets a plain HTTP answer with that status instead of a socket.
 */
export interface WsUpgradeCheck {
  check(request: UpgradedRequest): Promise<void> | void;
}

export interface WsPathAdapterOptions {
  pingIntervalMs: number;
  maxMessageBytes?: number;
  checks?: WsUpgradeCheck[];
}

type PathServer = WebSocketServer & { path: string; route?: RoutePattern };
type LiveSocket = WebSocket & { isAlive?: boolean };

/**
 * `WsAdapter` (platform-ws) matches gateway paths by string equality; this adapter routes each upgrade by the
 * gateways' `:param` patterns, answers an unknown path with 404 before the upgrade, runs the upgrade checks, hands
 * the gateway the parsed route on the request, reads the contract's `{"type": ...}` messages, and pings every socket
 * so dead peers are dropped.
 */
export class WsPathAdapter extends WsAdapter {
  private readonly routeLogger = new Logger(WsPathAdapter.name);
  private readonly servers: PathServer[] = [];
  private readonly heartbeats = new Set<NodeJS.Timeout>();
  private readonly listeners = new Map<HttpServer, (request: IncomingMessage, socket: Duplex, head: Buffer) => void>();

  constructor(
    app: INestApplicationContext,
    private readonly options: WsPathAdapterOptions,
  ) {
    super(app, {
      // Nest's handlers are keyed by `event`; the contract's messages carry `type`. Frames that are not such JSON
      // objects are left to the gateway's own `message` listener, which answers them with an `error`.
      messageParser: (data) => {
        try {
          const message = JSON.parse(rawText(data)) as unknown;
          if (
            typeof message === 'object' &&
            message !== null &&
            typeof (message as { type?: unknown }).type === 'string'
          ) {
            return { event: (message as { type: string }).type, data: message };
          }
        } catch {
          return undefined;
        }
        return undefined;
      },
    });
  }

  override create(port: number, options: Record<string, unknown> & { path?: string } = {}): WebSocketServer {
    const server = super.create(port, {
      maxPayload: this.options.maxMessageBytes ?? 1_048_576,
      handleProtocols: selectProtocol,
      ...options,
    }) as PathServer;
    if (typeof options.path === 'string') {
      server.route = new RoutePattern(options.path);
      this.servers.push(server);
    }
    this.startHeartbeat(server);
    return server;
  }

  protected override ensureHttpServerExists(port: number, httpServer?: HttpServer): HttpServer | undefined {
    if (this.httpServersRegistry.has(port)) return undefined;
    const server = httpServer ?? createServer();
    this.httpServersRegistry.set(port, server);
    const listener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void this.route(request, socket, head);
    server.on('upgrade', listener);
    this.listeners.set(server, listener);
    return server;
  }

  /**
   * A socket's own errors come from its peer (a frame over the size limit, a broken frame): `ws` closes that socket
   * (1009, 1002), and one line says so, without a stack. Nest's default logs each as an error with its stack, which
   * any client could repeat at will.
   */
  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    server.on('connection', (socket: WebSocket, request?: Partial<UpgradedRequest>) =>
      socket.on('error', (error: Error & { code?: string }) =>
        this.routeLogger.warn({
          event: 'ws.client.error',
          requestId: request?.requestId,
          code: error.code,
          detail: error.message,
        }),
      ),
    );
    server.on('error', (error: Error) => this.routeLogger.error({ event: 'ws.server.error', detail: error.message }));
    return server;
  }

  override async dispose(): Promise<void> {
    for (const timer of this.heartbeats) clearInterval(timer);
    this.heartbeats.clear();
    for (const [server, listener] of this.listeners) server.off('upgrade', listener);
    this.listeners.clear();
    await super.dispose();
  }

  private async route(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const requestId = requestIdFrom(request.headers[REQUEST_ID_HEADER]);
    await runWithRequestContext({ requestId }, async () => {
      try {
        const url = new URL(request.url ?? '/', 'ws://localhost');
        const found = this.findServer(url.pathname);
        if (!found) throw ApiError.notFound(`no WebSocket endpoint at ${url.pathname}`);
        const upgraded: UpgradedRequest = Object.assign(request, {
          requestId,
          route: { pattern: found.server.path, params: found.params, query: firstValues(url.searchParams) },
        });
        for (const check of this.options.checks ?? []) await check.check(upgraded);
        if (socket.destroyed) return;
        found.server.handleUpgrade(request, socket, head, (ws) => {
          found.server.emit('connection', ws, upgraded);
        });
      } catch (error) {
        const refusal = asApiError(error);
        if (refusal.reason === 'Internal')
          this.routeLogger.error({ event: 'ws.upgrade.failed', detail: String(error) });
        refuseUpgrade(socket, refusal, requestId);
      }
    });
  }

  private findServer(pathname: string): { server: PathServer; params: Record<string, string> } | undefined {
    for (const server of this.servers) {
      const params = server.route?.match(pathname);
      if (params) return { server, params };
    }
    return undefined;
  }

  private startHeartbeat(server: WebSocketServer): void {
    server.on('connection', (socket: LiveSocket) => {
      socket.isAlive = true;
      socket.on('pong', () => (socket.isAlive = true));
    });
    const timer = setInterval(() => {
      for (const socket of server.clients as Set<LiveSocket>) {
        if (socket.isAlive === false) {
          socket.terminate(); // missed the last ping: the peer is gone
          continue;
        }
        socket.isAlive = false;
        socket.ping();
      }
    }, this.options.pingIntervalMs);
    timer.unref();
    this.heartbeats.add(timer);
    server.once('close', () => {
      clearInterval(timer);
      this.heartbeats.delete(timer);
    });
  }
}

/**
 * The subprotocol the upgrade answers with: the one an upgrade check accepted (the bearer token's, which a browser
 * requires to be selected), else the client's first, as `ws` would choose.
 */
function selectProtocol(protocols: Set<string>, request: IncomingMessage): string | false {
  const accepted = (request as IncomingMessage & { acceptedProtocol?: string }).acceptedProtocol;
  if (accepted !== undefined && protocols.has(accepted)) return accepted;
  const [first] = protocols;
  return first ?? false;
}

function firstValues(params: URLSearchParams): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of params) if (!Object.hasOwn(query, key)) query[key] = value;
  return query;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** A refused upgrade is a plain HTTP answer carrying the same error envelope as any HTTP error. */
function refuseUpgrade(socket: Duplex, error: ApiError, requestId: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({
    code: error.status,
    message: error.message,
    reason: error.reason,
    data: null,
    requestId,
  });
  const retryAfter = retryAfterSeconds(error);
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_TEXT[error.status] ?? 'Error'}\r\n` +
      'Connection: close\r\nContent-Type: application/json; charset=utf-8\r\n' +
      (error.status === 401 ? 'WWW-Authenticate: Bearer\r\n' : '') +
      (retryAfter !== undefined ? `Retry-After: ${retryAfter}\r\n` : '') +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\n\r\n${body}`,
  );
}
