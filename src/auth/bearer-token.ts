import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../common/errors/api-error.js';

/**
 * The subprotocol that carries a token where a browser cannot set headers (the WebSocket API takes only a URL and
 * protocols): `base64url.bearer.authorization.k8s.io.<token, base64url without padding>`, as the Kubernetes API
 * server reads it (apiserver/pkg/authentication/request/websocket/protocol.go).
 */
export const BEARER_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';

/** The query parameter of a WebSocket upgrade's token, where AUTH_QUERY_TOKEN=on allows one. */
export const QUERY_TOKEN = 'access_token';
const BEARER = /^bearer +(\S+)$/i;
/** Visible ASCII, no spaces: what a header can carry unchanged (RFC 9110 field values, less obs-text). */
const TOKEN_TEXT = /^[\x21-\x7e]+$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The token of `Authorization: Bearer <token>` (scheme in any case); none without the header. */
export function httpBearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const token = BEARER.exec(authorization)?.[1];
  if (token === undefined || !TOKEN_TEXT.test(token))
    throw unauthorized('the Authorization header must be "Bearer <token>"');
  return token;
}

export interface WsUpgradeRequest {
  headers: IncomingHttpHeaders;
  query: Readonly<Record<string, string | undefined>>;
}

export interface WsBearerToken {
  token?: string;
  /** The bearer subprotocol as offered, to be selected in the answer: a browser drops an upgrade that selects none. */
  protocol?: string;
}

/**
 * The token of a WebSocket upgrade: from the Authorization header, else the bearer subprotocol, else `?access_token=`
 * when allowed. That order is the Kubernetes API server's (the header's authenticator runs before the subprotocol's;
 * it reads no query tokens). A query token while those are off is refused, even beside another token: the client
 * is putting tokens into URLs, which end up in proxy logs and browser history.
 */
export function wsBearerToken(request: WsUpgradeRequest, options: { queryTokenAllowed: boolean }): WsBearerToken {
  const fromHeader = httpBearerToken(request.headers.authorization);
  const protocol = bearerProtocol(request.headers['sec-websocket-protocol']);
  const fromQuery = queryToken(request.query[QUERY_TOKEN], options.queryTokenAllowed);
  const token = fromHeader ?? (protocol && tokenOfProtocol(protocol)) ?? fromQuery;
  return { ...(token === undefined ? {} : { token }), ...(protocol === undefined ? {} : { protocol }) };
}

function bearerProtocol(header: string | undefined): string | undefined {
  const offered = (header ?? '').split(',').map((protocol) => protocol.trim());
  const bearer = offered.filter((protocol) => protocol.startsWith(BEARER_PROTOCOL_PREFIX));
  if (bearer.length > 1) throw unauthorized('the Sec-WebSocket-Protocol list carries more than one bearer token');
  return bearer[0];
}

function tokenOfProtocol(protocol: string): string {
  const encoded = protocol.slice(BEARER_PROTOCOL_PREFIX.length);
  const token = BASE64URL.test(encoded) ? Buffer.from(encoded, 'base64url').toString('latin1') : '';
  if (!TOKEN_TEXT.test(token)) throw unauthorized('the bearer subprotocol must carry a base64url-encoded token');
  return token;
}

function queryToken(value: string | undefined, allowed: boolean): string | undefined {
  if (value === undefined) return undefined;
  if (!allowed) {
    throw unauthorized(
      'tokens in the query string are turned off (AUTH_QUERY_TOKEN): send the token in the Authorization header ' +
        'or the base64url.bearer.authorization.k8s.io subprotocol',
    );
  }
  if (!TOKEN_TEXT.test(value)) throw unauthorized(`the ${QUERY_TOKEN} query parameter must carry a token`);
  return value;
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, 'Unauthorized', message);
}
