import type { KubeStatus } from '../kube/kube-objects.js';
import { ApiError } from './api-error.js';

/** What a request to a cluster was about, so an error can name it the way the caller asked for it. */
export interface KubeTarget {
  clusterId?: string;
  /** Singular, lower-case kind as users say it: `pod`, `namespace`, `container`. */
  kind?: string;
  namespace?: string;
  name?: string;
}

/**
 * Maps a Kubernetes `Status` (the body of every API server error) onto the contract's error (api.md §1).
 * The cluster's own message is kept where it is useful to the caller and safe (RBAC refusals, validation,
 * conflicts); server-side failures are reduced to their status code.
 */
export function apiErrorFromStatus(status: KubeStatus, target: KubeTarget = {}): ApiError {
  const code = status.code ?? 500;
  const message = status.message?.trim() || `the cluster answered ${code}`;
  switch (code) {
    case 400:
    case 422:
      return new ApiError(400, 'BadRequest', message);
    // A 401 from the cluster rejects our stored credentials, not the caller's token; passing 401 on would make
    // clients throw away a valid session.
    case 401:
      return new ApiError(502, 'ClusterUnreachable', `${clusterName(target)} rejected the stored credentials`);
    case 403:
      return new ApiError(403, 'Forbidden', message);
    case 404:
      return new ApiError(404, 'NotFound', notFoundMessage(target) ?? message);
    case 409:
      return new ApiError(409, 'Conflict', message);
    case 429:
      return new ApiError(429, 'TooManyRequests', message);
    default:
      return new ApiError(
        502,
        'ClusterUnreachable',
        `${clusterName(target)} answered ${code}${status.reason ? ` (${status.reason})` : ''}`,
      );
  }
}

/** `pod "x" not found in namespace "y"`: names what was asked for, not the URL that was called. */
export function notFoundMessage(target: KubeTarget): string | undefined {
  if (!target.kind || !target.name) return undefined;
  const where = target.namespace ? ` in namespace "${target.namespace}"` : '';
  return `${target.kind} "${target.name}" not found${where}`;
}

/**
 * Digs a `Status` out of an error body as client libraries hand it over: text, bytes or an object.
 * Anything that is not a Status (an HTML error page from a proxy, say) gives `undefined`.
 */
export function parseKubeStatus(body: unknown): KubeStatus | undefined {
  let value: unknown = body;
  if (value instanceof Uint8Array) value = Buffer.from(value).toString('utf8');
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return undefined; // not JSON: the caller falls back to the HTTP status code
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const candidate = value as Partial<KubeStatus>;
  if (candidate.kind !== 'Status') return undefined;
  return {
    kind: 'Status',
    code: typeof candidate.code === 'number' ? candidate.code : undefined,
    status: typeof candidate.status === 'string' ? candidate.status : undefined,
    reason: typeof candidate.reason === 'string' ? candidate.reason : undefined,
    message: typeof candidate.message === 'string' ? candidate.message : undefined,
    details: typeof candidate.details === 'object' && candidate.details !== null ? candidate.details : undefined,
  };
}

// Connection-level failures, by the codes Node's net/tls layers and undici put on the error or its causes.
const REFUSED_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const CONNECT_TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const RESPONSE_TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/**
 * Maps a failure that never produced an HTTP answer — refused, reset, unresolvable, TLS verification, timeout —
 * onto 502 `ClusterUnreachable` or 504 `UpstreamTimeout`. The message says which kind of failure it was and nothing
 * more: addresses, certificates and library messages stay out of it.
 */
export function apiErrorFromTransportFailure(error: unknown, target: KubeTarget = {}): ApiError {
  const cluster = clusterName(target);
  for (const link of causeChain(error)) {
    const { name, code } = link as { name?: unknown; code?: unknown };
    if (name === 'TimeoutError' || (typeof code === 'string' && RESPONSE_TIMEOUT_CODES.has(code))) {
      return transportError(504, 'UpstreamTimeout', `${cluster} did not answer in time`);
    }
    if (typeof code !== 'string') continue;
    if (CONNECT_TIMEOUT_CODES.has(code))
      return transportError(502, 'ClusterUnreachable', `${cluster} could not be reached: connection timed out`);
    if (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
      return transportError(
        502,
        'ClusterUnreachable',
        `${cluster} could not be reached: TLS verification failed (${code})`,
      );
    }
    if (REFUSED_CODES.has(code))
      return transportError(502, 'ClusterUnreachable', `${cluster} could not be reached: ${describeCode(code)}`);
  }
  return transportError(502, 'ClusterUnreachable', `${cluster} could not be reached`);
}

function transportError(status: number, reason: 'ClusterUnreachable' | 'UpstreamTimeout', message: string): ApiError {
  return new ApiError(status, reason, message, undefined, 'transport');
}

function describeCode(code: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    default:
      return 'connection lost';
  }
}

function clusterName(target: KubeTarget): string {
  return target.clusterId ? `cluster "${target.clusterId}"` : 'the cluster';
}

function* causeChain(error: unknown): Generator<object> {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    yield current;
    if (current instanceof AggregateError) for (const inner of current.errors as unknown[]) yield* causeChain(inner);
    current = (current as { cause?: unknown }).cause;
  }
}
