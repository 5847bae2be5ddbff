import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiError } from '../common/errors/api-error.js';
import { AccessDecider } from './access-decider.js';
import { AUTHENTICATED_ROUTE, NARROWED_ROUTE, PUBLIC_ROUTE, REQUIRED_ROLE, type Role } from './access.decorators.js';
import { accessTarget } from './access-target.js';
import { httpBearerToken } from './bearer-token.js';
import type { IdentifiedRequest } from './caller.js';

/**
 * Reads each HTTP route's declaration: `@Public()` lets anyone in; `@Authenticated()` anyone with a valid token;
 * `@RequireRole(r)` those holding `r` on the cluster and namespace the request names. A route that declares none of
 * them is refused (a spec walks every route so that none ships like that).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly decider: AccessDecider,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const role = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, targets);
    const authenticatedOnly = this.reflector.getAllAndOverride<boolean>(AUTHENTICATED_ROUTE, targets) === true;
    if (role === undefined && !authenticatedOnly)
      throw new ApiError(403, 'Forbidden', 'this route declares no access rule');
    const request = context.switchToHttp().getRequest<Request & IdentifiedRequest>();
    const identity = await this.decider.identify(httpBearerToken(request.headers.authorization));
    request.identity = identity;
    if (role !== undefined) {
      const narrowed = this.reflector.getAllAndOverride<boolean>(NARROWED_ROUTE, targets) === true;
      await this.decider.authorize(identity, role, accessTarget(request.params, request.query), {
        request: `${request.method} ${request.path}`,
        narrowed,
      });
    }
    return true;
  }
}
