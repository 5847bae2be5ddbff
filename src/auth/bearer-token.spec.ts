import { ApiError } from '../common/errors/api-error.js';
import { BEARER_PROTOCOL_PREFIX, httpBearerToken, wsBearerToken } from './bearer-token.js';

const protocolFor = (token: string) => `${BEARER_PROTOCOL_PREFIX}${Buffer.from(token).toString('base64url')}`;

function refusal(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe(httpBearerToken.name, () => {
  it.each([
    { authorization: undefined, token: undefined },
    { authorization: 'Bearer abc.def.ghi', token: 'abc.def.ghi' },
    { authorization: 'bearer abc', token: 'abc' },
    { authorization: 'BEARER  abc', token: 'abc' },
    { authorization: 'Bearer a+b/c=~_-', token: 'a+b/c=~_-' },
  ])('$authorization → $token', ({ authorization, token }) => {
    expect(httpBearerToken(authorization)).toBe(token);
  });

  it.each([
    { authorization: '' },
    { authorization: 'Bearer' },
    { authorization: 'Bearer ' },
    { authorization: 'Basic dXNlcjpwYXNz' },
    { authorization: 'Bearer two words' },
    { authorization: 'Bearerabc' },
    { authorization: 'Bearer abc\u00e9' },
  ])('refuses $authorization with 401, without echoing it', ({ authorization }) => {
    const error = refusal(() => httpBearerToken(authorization));
    expect(error).toMatchObject({
      status: 401,
      reason: 'Unauthorized',
      message: 'the Authorization header must be "Bearer <token>"',
    });
  });
});

describe(wsBearerToken.name, () => {
  const off = { queryTokenAllowed: false };
  const on = { queryTokenAllowed: true };

  it.each([
    { label: 'nothing', request: { headers: {}, query: {} }, options: off, expected: {} },
    {
      label: 'the Authorization header',
      request: { headers: { authorization: 'Bearer from-header' }, query: {} },
      options: off,
      expected: { token: 'from-header' },
    },
    {
      label: 'the bearer subprotocol, echoed back',
      request: { headers: { 'sec-websocket-protocol': protocolFor('from-protocol') }, query: {} },
      options: off,
      expected: { token: 'from-protocol', protocol: protocolFor('from-protocol') },
    },
    {
      label: 'the bearer subprotocol among others, which are ignored',
      request: { headers: { 'sec-websocket-protocol': `v4.channel.k8s.io, ${protocolFor('a.b.c')},chat` }, query: {} },
      options: off,
      expected: { token: 'a.b.c', protocol: protocolFor('a.b.c') },
    },
    {
      label: 'other subprotocols only',
      request: { headers: { 'sec-websocket-protocol': 'v4.channel.k8s.io' }, query: {} },
      options: off,
      expected: {},
    },
    {
      label: 'the query when allowed',
      request: { headers: {}, query: { access_token: 'from-query' } },
      options: on,
      expected: { token: 'from-query' },
    },
    {
      // The Kubernetes API server tries the Authorization header before the subprotocol; the subprotocol is still
      // echoed, or a browser that offered it would drop the connection.
      label: 'the header over the subprotocol',
      request: {
        headers: { authorization: 'Bearer from-header', 'sec-websocket-protocol': protocolFor('from-protocol') },
        query: {},
      },
      options: off,
      expected: { token: 'from-header', protocol: protocolFor('from-protocol') },
    },
    {
      label: 'the subprotocol over the query',
      request: { headers: { 'sec-websocket-protocol': protocolFor('from-protocol') }, query: { access_token: 'q' } },
      options: on,
      expected: { token: 'from-protocol', protocol: protocolFor('from-protocol') },
    },
    {
      label: 'the header over the query',
      request: { headers: { authorization: 'Bearer from-header' }, query: { access_token: 'q' } },
      options: on,
      expected: { token: 'from-header' },
    },
  ])('takes $label', ({ request, options, expected }) => {
    expect(wsBearerToken(request, options)).toEqual(expected);
  });

  it.each([
    {
      label: 'a token in the query while that is off',
      request: { headers: {}, query: { access_token: 'leaked-into-a-url' } },
      options: off,
      message:
        'tokens in the query string are turned off (AUTH_QUERY_TOKEN): send the token in the Authorization header ' +
        'or the base64url.bearer.authorization.k8s.io subprotocol',
    },
    {
      label: 'a token in the query while that is off, even beside a header',
      request: { headers: { authorization: 'Bearer from-header' }, query: { access_token: 'leaked-into-a-url' } },
      options: off,
      message: expect.stringMatching(/^tokens in the query string are turned off/),
    },
    {
      label: 'an empty query token',
      request: { headers: {}, query: { access_token: '' } },
      options: on,
      message: 'the access_token query parameter must carry a token',
    },
    {
      label: 'a query token holding a space',
      request: { headers: {}, query: { access_token: 'two words' } },
      options: on,
      message: 'the access_token query parameter must carry a token',
    },
    {
      label: 'a malformed Authorization header',
      request: { headers: { authorization: 'Basic dXNlcjpwYXNz' }, query: {} },
      options: off,
      message: 'the Authorization header must be "Bearer <token>"',
    },
    {
      label: 'two bearer subprotocols',
      request: { headers: { 'sec-websocket-protocol': `${protocolFor('a')}, ${protocolFor('b')}` }, query: {} },
      options: off,
      message: 'the Sec-WebSocket-Protocol list carries more than one bearer token',
    },
    {
      label: 'an empty bearer subprotocol',
      request: { headers: { 'sec-websocket-protocol': BEARER_PROTOCOL_PREFIX }, query: {} },
      options: off,
      message: 'the bearer subprotocol must carry a base64url-encoded token',
    },
    {
      label: 'a bearer subprotocol that is not base64url',
      request: { headers: { 'sec-websocket-protocol': `${BEARER_PROTOCOL_PREFIX}abc+def` }, query: {} },
      options: off,
      message: 'the bearer subprotocol must carry a base64url-encoded token',
    },
    {
      label: 'a bearer subprotocol holding a space',
      request: { headers: { 'sec-websocket-protocol': protocolFor('two words') }, query: {} },
      options: off,
      message: 'the bearer subprotocol must carry a base64url-encoded token',
    },
  ])('refuses $label with 401, without echoing the token', ({ request, options, message }) => {
    const error = refusal(() => wsBearerToken(request, options));
    expect(error).toMatchObject({ status: 401, reason: 'Unauthorized', message });
    for (const secret of ['leaked-into-a-url', 'dXNlcjpwYXNz', 'abc+def']) expect(error.message).not.toContain(secret);
  });
});
