import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Duplex } from 'node:stream';
import {
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  SERVER_VERSION,
} from '../api/discovery.js';
import { openApiDocument } from '../api/openapi.js';
import type { ResourceHandler } from '../api/resource-handler.js';
import type { Authenticator, Identity } from '../auth/authenticator.js';
import type { SandboxEndpoints } from '../faults/sandbox-endpoints.js';
import type { SandboxFaults } from '../faults/sandbox-faults.js';
import type { PodExecHandler } from '../streams/pod-exec-handler.js';
import { negotiate } from './content-negotiation.js';
import { resolveTarget, type RequestTarget } from './request-target.js';
import { requestVerb } from './request-verb.js';
import { asStatusError, notFoundPath, writeJson, writeStatus } from './responses.js';
import { rejectUpgrade } from './upgrade-responses.js';
import { KubeStatusError } from '../kube-status-error.js';

export interface ApiServerParts {
  authenticator: Authenticator;
  faults: SandboxFaults;
  resources: ResourceHandler;
  exec: PodExecHandler;
  endpoints: SandboxEndpoints;
  /** `host:port` as clients reach the server (for /api's serverAddressByClientCIDRs). */
  serverAddress(): string;
}

/**
 * The front of the simulated API server: authentication, injected faults, then discovery, OpenAPI, the resource
 * handlers, the exec upgrade and the simulator's own endpoints. Every failure is written as a Status.
 */
export class ApiServerHandler {
  constructor(private readonly parts: ApiServerParts) {}

  handleRequest(req: IncomingMessage, res: ServerResponse): void {
    this.serve(req, res).catch((error: unknown) => writeStatus(res, asStatusError(reportUnexpected(error, req))));
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    this.upgrade(req, socket, head).catch((error: unknown) =>
      rejectUpgrade(socket, asStatusError(reportUnexpected(error, req))),
    );
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const target = resolveTarget(url.pathname);
    const identity = this.parts.authenticator.authenticate(req);
    if (target.type === 'sandbox') {
      await this.parts.endpoints.handle(req, res, url.pathname, identity);
      return;
    }
    const method = req.method ?? 'GET';
    const verb =
      target.type === 'resource' ? requestVerb(method, target, url.searchParams) : method === 'GET' ? 'get' : undefined;
    const failure = await this.applyFaults(method, url.pathname, verb);
    if (failure) {
      writeStatus(res, failure.error, failure.headers);
      return;
    }
    await this.dispatch(req, res, url, target, identity, method);
  }

  private async dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    target: RequestTarget,
    identity: Identity,
    method: string,
  ): Promise<void> {
    if (target.type !== 'resource' && method !== 'GET' && method !== 'HEAD') {
      throw KubeStatusError.of(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
        {},
      );
    }
    switch (target.type) {
      case 'version':
        return writeJson(res, 200, SERVER_VERSION);
      case 'health':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
        res.end('ok');
        return;
      case 'apiVersions':
      case 'apiGroups': {
        const format = negotiate(req.headers.accept, { discovery: true });
        const scope = target.type === 'apiVersions' ? 'api' : 'apis';
        if (format.kind === 'discovery')
          return writeJson(res, 200, aggregatedDiscovery(scope, format.apiVersion), format.contentType);
        return writeJson(res, 200, scope === 'api' ? apiVersions(this.parts.serverAddress()) : apiGroupList());
      }
      case 'apiGroup':
        return writeJson(res, 200, apiGroup(target.group));
      case 'groupVersion':
        return writeJson(res, 200, apiResourceList(target.group, target.version));
      case 'openapi':
        return writeJson(res, 200, openApiDocument(target.path));
      case 'resource': {
        const verb = requestVerb(method, target, url.searchParams);
        if (!verb)
          throw KubeStatusError.of(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
            {},
          );
        const { resource, namespace, name, subresource } = target;
        this.parts.authenticator.authorize(identity, {
          verb,
          group: resource.group,
          resource: resource.plural,
          subresource,
          namespace,
          name,
        });
        return this.parts.resources.handle({ req, res, url, target, verb });
      }
      case 'sandbox':
      case 'notFound':
        throw notFoundPath();
    }
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const target = resolveTarget(url.pathname);
    const identity = this.parts.authenticator.authenticate(req);
    const failure = await this.applyFaults(req.method ?? 'GET', url.pathname, 'create');
    if (failure) {
      rejectUpgrade(socket, failure.error, failure.headers);
      return;
    }
    if (
      target.type !== 'resource' ||
      target.subresource !== 'exec' ||
      target.resource.storage !== 'pods' ||
      target.resource.group !== '' ||
      !target.name
    ) {
      throw notFoundPath();
    }
    // Exec over a WebSocket (a GET) needs `create` on pods/exec, as RBAC checks it since 1.31.
    this.parts.authenticator.authorize(identity, {
      verb: 'create',
      group: '',
      resource: 'pods',
      subresource: 'exec',
      namespace: target.namespace,
      name: target.name,
    });
    this.parts.exec.upgrade(req, socket, head, target, url);
  }

  private async applyFaults(
    method: string,
    path: string,
    verb: string | undefined,
  ): Promise<{ error: KubeStatusError; headers: Record<string, string> } | undefined> {
    const request = { method, path, verb };
    const delay = this.parts.faults.delayFor(request);
    if (delay > 0) await sleep(delay);
    return this.parts.faults.failureFor(request);
  }
}

/** A failure that is not a Kubernetes Status is a bug of the simulator: it is answered 500 and reported once. */
function reportUnexpected(error: unknown, req: IncomingMessage): unknown {
  if (!(error instanceof KubeStatusError)) {
    const path = (req.url ?? '').split('?')[0];
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `${JSON.stringify({ event: 'sandbox.request.failed', method: req.method, path, message, stack: error instanceof Error ? error.stack : undefined })}\n`,
    );
  }
  return error;
}
