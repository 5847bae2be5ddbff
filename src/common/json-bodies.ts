import type { NextFunction, Request, Response } from 'express';
import { ApiError } from './errors/api-error.js';

/** The media types whose bodies the service reads: every body it takes is JSON. */
export const JSON_BODY_TYPES = ['application/json', 'application/*+json'];

/**
 * Refuses a request body that is not JSON with 415. The JSON parser leaves other bodies unread, so without this a
 * `text/plain` registration would be validated as an empty object and answered with a misleading list of missing
 * fields.
 */
export function requireJsonBodies() {
  return (request: Request, _response: Response, next: NextFunction): void => {
    // `is()` answers null when the request has no body, and false when it has one of another type (or none named).
    // It takes `Content-Length: 0` for a body, which clients send with a bare POST.
    const empty = request.headers['content-length'] === '0';
    if (!empty && request.is(JSON_BODY_TYPES) === false) {
      next(new ApiError(415, 'BadRequest', 'the request body must be JSON (Content-Type: application/json)'));
      return;
    }
    next();
  };
}
