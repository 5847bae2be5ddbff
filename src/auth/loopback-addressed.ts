import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '../common/errors/api-error.js';
import { isLoopbackHostHeader } from '../config/loopback-host.js';

/**
 * Without authentication (`AUTH_MODE` with `none`, loopback only) anyone who reaches the port has every role, and a
 * web page can reach it through DNS rebinding: its own name made to resolve to 127.0.0.1, so the browser takes the
 * service for that page's origin (the WebSocket Origin check included). Such a request still names the page's host in
 * `Host`, so only requests addressed to a loopback name are answered.
 */
export function refuseUnlessLoopbackAddressed(host: string | undefined): void {
  if (isLoopbackHostHeader(host)) return;
  throw new ApiError(
    403,
    'Forbidden',
    'without authentication (AUTH_MODE none) the service answers only requests addressed to localhost, 127.0.0.1 or [::1]',
  );
}

/** `refuseUnlessLoopbackAddressed` for every HTTP request. */
export function loopbackAddressedOnly() {
  return (request: Request, _response: Response, next: NextFunction): void => {
    try {
      refuseUnlessLoopbackAddressed(request.headers.host);
      next();
    } catch (error) {
      next(error);
    }
  };
}
