import { ExpressAdapter } from '@nestjs/platform-express';
import type { Response } from 'express';
import { JsonText } from './json-text.js';

/**
 * Nest's Express adapter, sending a body given as `JsonText` as it is. Express's `res.send` copies a string of
 * over 1 000 characters into a new Buffer; here the headers and a text's parts go out in one write (Node corks the
 * socket from the first write of a response to the end of the tick), parts kept encoded without being copied.
 */
export class JsonTextExpressAdapter extends ExpressAdapter {
  override reply(response: Response, body: unknown, statusCode?: number): unknown {
    if (!(body instanceof JsonText) || response.headersSent) return super.reply(response, body, statusCode);
    if (statusCode !== undefined) response.statusCode = statusCode;
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Content-Length', body.byteLength);
    const { parts } = body;
    for (let i = 0; i < parts.length - 1; i++) response.write(parts[i]);
    return response.end(parts.at(-1) ?? '');
  }

  /**
   * Nest mounts its not-found handler under the global prefix only, so a path outside `/api` (and not one of the
   * excluded routes) fell through to Express's HTML page. Mounted once more at the root, after every route, it
   * answers those with the error envelope too.
   */
  override setNotFoundHandler(...args: Parameters<ExpressAdapter['setNotFoundHandler']>): unknown {
    const [handler, prefix] = args;
    const mounted = super.setNotFoundHandler(...args) as unknown;
    if (prefix) this.use(handler);
    return mounted;
  }
}
