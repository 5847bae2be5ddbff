import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Identity } from './identity.js';

/** A request (HTTP, or a WebSocket upgrade) once the access decision has let it in. */
export interface IdentifiedRequest {
  identity?: Identity;
}

/** The caller of this request, as the access guard settled it (handlers of non-public routes only). */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): Identity => {
  const { identity } = context.switchToHttp().getRequest<IdentifiedRequest>();
  if (!identity) throw new Error('@Caller() on a route the access guard did not run for');
  return identity;
});
