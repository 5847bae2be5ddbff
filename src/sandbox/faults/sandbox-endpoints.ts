import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identity } from '../auth/authenticator.js';
import { forbidden } from '../auth/authenticator.js';
import { readOptionalJson } from '../http/read-body.js';
import { notFoundPath, writeJson } from '../http/responses.js';
import { KubeStatusError } from '../kube-status-error.js';
import type { FailNextFault, FailRateFault, LatencyFault, SandboxFaults } from './sandbox-faults.js';

export interface SandboxStats {
  watches: number;
  logStreams: number;
  execSessions: number;
}

/**
 * The simulator's own endpoints, outside the Kubernetes paths and behind the same authentication:
 * `GET /sandbox/stats` and `GET|POST|DELETE /sandbox/faults` (see docs/sandbox.md for the body).
 */
export class SandboxEndpoints {
  constructor(
    private readonly faults: SandboxFaults,
    private readonly stats: () => SandboxStats,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, path: string, identity: Identity): Promise<void> {
    const method = req.method ?? 'GET';
    if (path === '/sandbox/stats' && method === 'GET') {
      writeJson(res, 200, this.stats());
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
    if (method !== 'POST' && method !== 'PUT')
      throw KubeStatusError.of(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      );
    const body = ((await readOptionalJson(req)) ?? {}) as FaultsBody;
    const dropped = this.apply(body);
    writeJson(res, 200, { ...this.faults.state(), ...(dropped !== undefined ? { droppedWatches: dropped } : {}) });
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

interface FaultsBody {
  latencyMs?: number;
  latency?: LatencyFault | null;
  failNext?: FailNextFault | FailNextFault[];
  failRate?: FailRateFault | null;
  stallLogs?: boolean;
  dropWatches?: boolean;
  dropWatchesEveryMs?: number | null;
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
