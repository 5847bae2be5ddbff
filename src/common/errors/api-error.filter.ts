import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { WebSocket } from 'ws';
import { currentRequestId } from '../request-context.js';
import { wsErrorMessage } from '../ws/ws-message.js';
import { ApiError, retryAfterSeconds, type ErrorReason } from './api-error.js';

/** The one place an HTTP error body is written: `{code, message, reason, data: null, requestId, details?}`. */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(ApiErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const error = this.toApiError(exception, host);
    if (host.getType() === 'ws') {
      const socket = host.switchToWs().getClient<WebSocket>();
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(wsErrorMessage(error)));
      return;
    }
    if (host.getType() !== 'http') return;
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      response.end(); // a stream failing midway just ends; its status is already on the wire
      return;
    }
    // RFC 6750 §3: a 401 names the scheme the client should authenticate with.
    if (error.status === 401) response.setHeader('WWW-Authenticate', 'Bearer');
    const retryAfter = retryAfterSeconds(error);
    if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
    response.status(error.status).json({
      code: error.status,
      message: error.message,
      reason: error.reason,
      data: null,
      requestId: currentRequestId() ?? null,
      ...(error.details ? { details: error.details } : {}),
    });
  }

  private toApiError(exception: unknown, host: ArgumentsHost): ApiError {
    if (exception instanceof ApiError) {
      if (exception.reason === 'Internal') this.logUnexpected(exception, host);
      else if (exception.status === 503) this.logUnavailable(exception, host);
      return exception;
    }
    // Nest wraps body-parser's errors into HttpExceptions, keeping the original as `cause`.
    const bodyParserError = fromBodyParserError(exception instanceof HttpException ? exception.cause : exception);
    if (bodyParserError) return bodyParserError;
    if (exception instanceof HttpException) return fromHttpException(exception);
    this.logUnexpected(exception, host);
    return ApiError.internal();
  }

  /**
   * The service itself cannot serve, for a reason it foresaw and named (a setting missing, the audit log or the
   * identity provider unreachable): one line an operator can act on, no stack. A cluster's failures (502, 504) are
   * logged by its connection, once per outage rather than per request; client errors are the client's to read.
   */
  private logUnavailable(error: ApiError, host: ArgumentsHost): void {
    const request = host.getType() === 'http' ? host.switchToHttp().getRequest<Request>() : undefined;
    this.logger.warn({
      event: 'request.failed',
      method: request?.method,
      path: request?.path,
      status: error.status,
      reason: error.reason,
      detail: error.message,
    });
  }

  private logUnexpected(exception: unknown, host: ArgumentsHost): void {
    const request = host.getType() === 'http' ? host.switchToHttp().getRequest<Request>() : undefined;
    const error = exception instanceof Error ? exception : new Error(String(exception));
    this.logger.error(
      {
        event: 'request.failed',
        method: request?.method,
        path: request?.path,
        error: error.name,
        detail: error.message,
      },
      error.stack,
    );
  }
}

const REASON_BY_STATUS: Record<number, ErrorReason> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  429: 'TooManyRequests',
};

/** Nest's own exceptions (unknown route, a guard's refusal, a pipe's error) keep their status and get a contract reason. */
function fromHttpException(exception: HttpException): ApiError {
  const status = exception.getStatus();
  if (status >= 500) return new ApiError(status, 'Internal', 'internal error');
  const reason = REASON_BY_STATUS[status] ?? 'BadRequest';
  return new ApiError(status, reason, messageOf(exception));
}

function messageOf(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return exception.message;
}

/** body-parser reports malformed and oversized bodies with `type` and `status`; its messages are safe to show. */
function fromBodyParserError(exception: unknown): ApiError | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { type, status } = exception as { type?: unknown; status?: unknown };
  if (type === 'entity.parse.failed') return ApiError.badRequest('the request body is not valid JSON');
  if (type === 'entity.too.large') return new ApiError(413, 'BadRequest', 'the request body is too large');
  if (typeof type === 'string' && typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError(status, 'BadRequest', 'the request body could not be read');
  }
  return undefined;
}
