import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identity } from '../auth/authenticator.js';
import type { ChurnCounts } from '../churn/pod-churn.js';
import { forbidden } from '../auth/authenticator.js';
import { readOptionalJson } from '../http/read-body.js';
import { notFoundPath, writeJson } from '../http/responses.js';
import { KubeStatusError } from '../kube-status-error.js';
import type { FailNextFault, FailRateFault, LatencyFault, SandboxFaults } from './sandbox-faults.js';

export interface SandboxStats {
  watches: number;
  logStreams: number;
  execSessions: number;
  /** The changes the scale mode's churn made (when started with one). */
  churn?: ChurnCounts;
}

/** What `POST /sandbox/logs` drives: the simulated kubelet's containers and the log store's bound. */
export interface SandboxLogLines {
  /** Lines kept per container instance: more written at once would only push out the first ones. */
  readonly perInstance: number;
  /** The container writes its next `count` periodic lines now; answers how many it wrote. */
  write(namespace: string, pod: string, container: string, count: number): number;
}

/**
 * The simulator's own endpoints, outside the Kubernetes paths and behind the same authentication:
 * `GET /sandbox/stats`, `GET|POST|DELETE /sandbox/faults` and `POST /sandbox/logs` (see docs/sandbox.md for the
 * bodies).
 */
export class SandboxEndpoints {
  constructor(
    private readonly faults: SandboxFaults,
    private readonly stats: () => SandboxStats,
    private readonly logLines: SandboxLogLines,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, path: string, identity: Identity): Promise<void> {
    const method = req.method ?? 'GET';
    if (path === '/sandbox/stats' && method === 'GET') {
      writeJson(res, 200, this.stats());
      return;
    }
    if (path === '/sandbox/logs') {
      await this.writeLogLines(req, res, identity);
      return;
    }
    if (path !== '/sandbox/faults') throw notFoundPath();
    if (method === 'GET') {
      writeJson(res, 200, this.faults.state());
      return;
    }
    if (identity.readOnly)
      throw forbidden(identity.user, {
        verb: method === 'DELETE' ? 'delete' : 'update',
        group: 'sandbox.podapi.dev',
        resource: 'faults',
      });
    if (method === 'DELETE') {
      this.faults.clear();
      writeJson(res, 200, this.faults.state());
      return;
    }
    if (method !== 'POST' && method !== 'PUT') throw methodNotAllowed();
    const body = ((await readOptionalJson(req)) ?? {}) as FaultsBody;
    const dropped = this.apply(body);
    writeJson(res, 200, { ...this.faults.state(), ...(dropped !== undefined ? { droppedWatches: dropped } : {}) });
  }

  /** `POST /sandbox/logs` `{namespace, pod, container?, lines}`: a running container writes that many lines at once. */
  private async writeLogLines(req: IncomingMessage, res: ServerResponse, identity: Identity): Promise<void> {
    if (req.method !== 'POST') throw methodNotAllowed();
    if (identity.readOnly)
      throw forbidden(identity.user, { verb: 'create', group: 'sandbox.podapi.dev', resource: 'logs' });
    const body = (await readOptionalJson(req)) as LogLinesBody | undefined;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw KubeStatusError.badRequest('the body must be a JSON object: {namespace, pod, container?, lines}');
    const max = this.logLines.perInstance;
    if (!Number.isInteger(body.lines) || body.lines! < 1 || body.lines! > max)
      throw KubeStatusError.badRequest(
        `lines must be an integer from 1 to ${max} (the lines kept per container instance)`,
      );
    if (
      !nonEmptyString(body.namespace) ||
      !nonEmptyString(body.pod) ||
      !(body.container === undefined || typeof body.container === 'string')
    )
      throw KubeStatusError.badRequest('namespace and pod must be names, container a name when given');
    const written = this.logLines.write(body.namespace, body.pod, body.container ?? '', body.lines!);
    writeJson(res, 200, { written });
  }

  private apply(body: FaultsBody): number | undefined {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw KubeStatusError.badRequest('the faults body must be a JSON object');
    if (body.latencyMs !== undefined) this.faults.setLatency(numberField('latencyMs', body.latencyMs));
    if (body.latency !== undefined)
      this.faults.setLatency(
        body.latency === null ? undefined : { ...body.latency, ms: numberField('latency.ms', body.latency.ms) },
      );
    if (body.failNext !== undefined) {
      for (const fault of Array.isArray(body.failNext) ? body.failNext : [body.failNext])
        this.faults.failNext({ ...fault, status: statusField(fault.status) });
    }
    if (body.failRate !== undefined) {
      this.faults.failRate(
        body.failRate === null
          ? undefined
          : {
              ...body.failRate,
              status: statusField(body.failRate.status),
              rate: numberField('failRate.rate', body.failRate.rate),
            },
      );
    }
    if (body.stallLogs !== undefined) this.faults.stallLogs(Boolean(body.stallLogs));
    if (body.dropWatchesEveryMs !== undefined)
      this.faults.dropWatchesEvery(
        body.dropWatchesEveryMs === null ? undefined : numberField('dropWatchesEveryMs', body.dropWatchesEveryMs),
      );
    return body.dropWatches ? this.faults.dropWatches() : undefined;
  }
}

interface LogLinesBody {
  namespace?: unknown;
  pod?: unknown;
  container?: unknown;
  lines?: number;
}

interface FaultsBody {
  latencyMs?: number;
  latency?: LatencyFault | null;
  failNext?: FailNextFault | FailNextFault[];
  failRate?: FailRateFault | null;
  stallLogs?: boolean;
  dropWatches?: boolean;
  dropWatchesEveryMs?: number | null;
}

function methodNotAllowed(): KubeStatusError {
  return KubeStatusError.of(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function numberField(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw KubeStatusError.badRequest(`${name} must be a non-negative number`);
  return value;
}

function statusField(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 400 || value > 599)
    throw KubeStatusError.badRequest('status must be an HTTP error status (400-599)');
  return value;
}
