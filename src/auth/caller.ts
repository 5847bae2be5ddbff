import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Identity } from './identity.js';

/** A request (HTTP, or a WebSocket upgrade) once the access decision has let it in. */
export interface IdentifiedRequest {
  identity?: Identity;
}

/** The caller of this request, as the access guard settled it (handlers of non-public routes only). */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): Identity =>
  callerOf(context.switchToHttp().getRequest()),
);

/**
 * The caller of an HTTP request or a WebSocket upgrade the access decision let in, on an endpoint that declares a role
 * (a public one has no caller).
 */
export function callerOf(request: IdentifiedRequest): Identity {
  if (!request.identity) throw new Error('no caller: the access decision did not run for this request');
  return request.identity;
}
