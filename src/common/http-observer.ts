import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { REQUEST_ID_HEADER, requestIdFrom, runWithRequestContext } from './request-context.js';

export interface RequestObservation {
  method: string;
  route: string;
  status: number;
  seconds: number;
}

const logger = new Logger('HttpRequest');

/**
 * The first middleware of every request: gives it a request id (echoed in `X-Request-Id`, carried by every log line
 * written while it is handled), and reports its route pattern, status and duration when the response is finished.
 */
export function observeRequests(onFinished: (observation: RequestObservation) => void) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const requestId = requestIdFrom(request.headers[REQUEST_ID_HEADER]);
    response.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routePattern(request);
      const observation = { method: request.method, route, status: response.statusCode, seconds };
      onFinished(observation);
      runWithRequestContext({ requestId }, () =>
        logger.debug({
          event: 'http.request',
          method: request.method,
          route,
          status: response.statusCode,
          durationMs: Math.round(seconds * 1000),
        }),
      );
    });
    runWithRequestContext({ requestId }, next);
  };
}

/** The route pattern that answered, or `unmatched` (Nest's catch-all 404 route included): metric labels stay bounded. */
function routePattern(request: Request): string {
  const path = (request.route as { path?: unknown } | undefined)?.path;
  if (typeof path !== 'string' || path.includes('*')) return 'unmatched';
  return `${request.baseUrl}${path}`;
}
