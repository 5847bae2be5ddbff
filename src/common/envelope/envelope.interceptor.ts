import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';
import { JsonText } from './json-text.js';
import { RAW_RESPONSE, RESPONSE_MESSAGE } from './response-message.decorator.js';

export interface EnvelopeBody<T> {
  code: number;
  message: string;
  data: T | null;
}

/**
 * Wraps what an HTTP handler returns into `{code, message, data}` (api.md §1); `data` given as `JsonText` is
 * spliced into the envelope's text as it is, which `JsonTextExpressAdapter` then sends as it is.
 */
@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(RAW_RESPONSE, targets)) return next.handle();
    const message = this.reflector.getAllAndOverride<string>(RESPONSE_MESSAGE, targets) ?? 'success';
    const response = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((data: unknown): EnvelopeBody<unknown> | JsonText<EnvelopeBody<unknown>> => {
        if (!(data instanceof JsonText)) return { code: response.statusCode, message, data: data ?? null };
        return new JsonText(`{"code":${response.statusCode},"message":${JSON.stringify(message)},"data":`, data, '}');
      }),
    );
  }
}
