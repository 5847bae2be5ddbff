/** The contract's stable machine words for what went wrong (api.md §1). */
export const ERROR_REASONS = [
  'BadRequest',
  'ValidationFailed',
  'Unauthorized',
  'Forbidden',
  'NotFound',
  'ClusterNotFound',
  'Conflict',
  'TooManyRequests',
  'TooManyPods',
  /** Every log stream the service may hold open is taken (LOGS_MAX_STREAMS); 429. */
  'TooManyStreams',
  /** Every terminal the service may hold open is taken (EXEC_MAX_SESSIONS); 429. */
  'TooManySessions',
  /** A terminal had neither input nor output for EXEC_IDLE_TIMEOUT_SECONDS; 408. */
  'IdleTimeout',
  /** A terminal was open for EXEC_MAX_SESSION_SECONDS; 408. */
  'MaxDurationReached',
  'ClusterUnreachable',
  'UpstreamTimeout',
  /** The service lacks a setting this request needs (503); an operator's task, not a fault. */
  'NotConfigured',
  /** A terminal could not be written to the audit log, so it was not opened (503): none runs unaudited. */
  'AuditUnavailable',
  /** The identity provider's discovery document or keys could not be fetched, so no token can be checked (503). */
  'AuthUnavailable',
  'Internal',
] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];

export interface ErrorDetail {
  field: string;
  message: string;
}

/**
 * Every failure the service reports. Extends `Error`, not Nest's `HttpException`, so WebSocket sessions and
 * pure functions use it unchanged; the HTTP filter and the WS sessions turn it into their wire shapes.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: ErrorReason,
    message: string,
    readonly details?: ErrorDetail[],
    /** `transport`: no answer came back (refused, reset, TLS, timeout), as opposed to an answer saying no. */
    readonly origin?: 'transport',
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static badRequest(message: string, details?: ErrorDetail[]): ApiError {
    return new ApiError(400, 'BadRequest', message, details);
  }

  static validation(details: ErrorDetail[]): ApiError {
    const fields = [...new Set(details.map((detail) => detail.field))];
    return new ApiError(400, 'ValidationFailed', `invalid request: ${fields.join(', ')}`, details);
  }

  static notFound(message: string): ApiError {
    return new ApiError(404, 'NotFound', message);
  }

  static clusterNotFound(clusterId: string): ApiError {
    return new ApiError(404, 'ClusterNotFound', `cluster "${clusterId}" not found`);
  }

  static conflict(message: string): ApiError {
    return new ApiError(409, 'Conflict', message);
  }

  static internal(): ApiError {
    return new ApiError(500, 'Internal', 'internal error');
  }
}

/**
 * A 429 that says when the same request may succeed: `Retry-After` (seconds) on an HTTP answer or a refused WebSocket
 * upgrade, `retryAfterSeconds` in a WebSocket `error` message.
 */
export class TooManyRequestsError extends ApiError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, 'TooManyRequests', message);
    this.name = 'TooManyRequestsError';
  }
}

/** When to try again, for an error that says so. */
export function retryAfterSeconds(error: ApiError): number | undefined {
  return error instanceof TooManyRequestsError ? error.retryAfterSeconds : undefined;
}

/** Anything thrown, as an ApiError: an unknown error becomes a 500 `Internal` with a fixed message. */
export function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : ApiError.internal();
}
