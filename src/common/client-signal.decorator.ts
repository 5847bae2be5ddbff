import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Response } from 'express';

/**
 * A handler parameter: an `AbortSignal` aborted when the client goes away before its answer is complete, so that
 * what the request started upstream (a log read, a download) ends with it. Not aborted by a completed answer.
 */
export const ClientSignal = createParamDecorator((_data: unknown, context: ExecutionContext): AbortSignal => {
  const response = context.switchToHttp().getResponse<Response>();
  const controller = new AbortController();
  const gone = () => {
    if (!response.writableFinished) controller.abort(new Error('the client went away'));
  };
  // The connection may already be gone while guards and pipes ran: 'close' would not come again.
  if (response.closed || response.req.socket.destroyed) gone();
  else response.once('close', gone);
  return controller.signal;
});
