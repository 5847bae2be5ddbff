import {
  applyDecorators,
  Injectable,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { catchError, concatMap, from, switchMap, throwError, type Observable } from 'rxjs';
import type { IdentifiedRequest } from '../auth/caller.js';
import { ANONYMOUS, callerName } from '../auth/identity.js';
import { ApiErrorEnvelopes } from '../common/envelope/api-envelope.decorator.js';
import { asApiError } from '../common/errors/api-error.js';
import { currentRequestId } from '../common/request-context.js';
import type { AuditAction, AuditEventEnd, AuditTarget } from './audit-event.js';
import { AuditTrail } from './audit-trail.js';

type AuditedAction = Exclude<AuditAction, 'exec.session' | 'access.denied'>;

const AUDITED_ACTION = 'podapi:audited-action';

/**
 * Writes every call of this HTTP handler to the audit log as `action`: before the handler runs (a call the log
 * cannot take is refused with 503 and not run), and completed with how it ended before the answer leaves.
 */
export const Audited = (action: AuditedAction) =>
  applyDecorators(SetMetadata(AUDITED_ACTION, action), ApiErrorEnvelopes([503]));

/** Carries out `@Audited` (installed by configureApp for every route; the others pass through untouched). */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly trail: AuditTrail,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const action = this.reflector.get<AuditedAction | undefined>(AUDITED_ACTION, context.getHandler());
    if (action === undefined || context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & IdentifiedRequest>();
    const begun = this.trail.begin({
      action,
      caller: callerName(request.identity ?? ANONYMOUS),
      target: auditTarget(request.params),
      request: `${request.method} ${request.path}`,
      requestId: currentRequestId() ?? 'none',
      at: new Date(),
    });
    return from(begun).pipe(
      switchMap((entry) =>
        next.handle().pipe(
          concatMap(async (answer: unknown) => {
            await entry.end(succeeded(answer));
            return answer;
          }),
          catchError((error: unknown) => from(entry.end(failed(error))).pipe(switchMap(() => throwError(() => error)))),
        ),
      ),
    );
  }
}

/** The cluster, namespace and pod a request names in its path. */
export function auditTarget(params: Record<string, unknown>): AuditTarget {
  const target: AuditTarget = {};
  if (typeof params.clusterId === 'string') target.clusterId = params.clusterId;
  if (typeof params.namespace === 'string') target.namespace = params.namespace;
  if (typeof params.name === 'string') target.name = params.name;
  return target;
}

/** A success; a registered cluster's id is known only from the answer. */
function succeeded(answer: unknown): AuditEventEnd {
  const id = (answer as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' ? { outcome: 'succeeded', clusterId: id } : { outcome: 'succeeded' };
}

function failed(error: unknown): AuditEventEnd {
  const { status, reason, message } = asApiError(error);
  return { outcome: 'failed', status, reason, detail: message };
}
