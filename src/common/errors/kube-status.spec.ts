import { ApiError } from './api-error.js';
import { apiErrorFromStatus, apiErrorFromTransportFailure, parseKubeStatus } from './kube-status.js';

// Bodies as a real API server (v1.33) sends them.
const bodies = {
  podNotFound:
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"ghost\\" not found","reason":"NotFound","details":{"name":"ghost","kind":"pods"},"code":404}',
  forbidden:
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods is forbidden: User \\"system:serviceaccount:ops:viewer\\" cannot list resource \\"pods\\" in API group \\"\\" in the namespace \\"kube-system\\"","reason":"Forbidden","details":{"kind":"pods"},"code":403}',
  unauthorized:
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}',
  containerChoice:
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"a container name must be specified for pod web-0, choose one of: [app sidecar]","reason":"BadRequest","code":400}',
  invalid:
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Pod \\"x\\" is invalid: spec.containers: Required value","reason":"Invalid","details":{"name":"x","kind":"Pod","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.containers"}]},"code":422}',
  conflict:
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"web-0\\" already exists","reason":"AlreadyExists","details":{"name":"web-0","kind":"pods"},"code":409}',
  throttled:
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Too many requests, please try again later.","reason":"TooManyRequests","details":{"retryAfterSeconds":1},"code":429}',
  internal:
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"etcdserver: request timed out","reason":"InternalError","code":500}',
  expired:
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (2)","reason":"Expired","code":410}',
};

describe(apiErrorFromStatus.name, () => {
  const pod = { clusterId: 'prod-eu', kind: 'pod', namespace: 'default', name: 'ghost' };
  it.each([
    {
      body: bodies.podNotFound,
      target: pod,
      status: 404,
      reason: 'NotFound',
      message: 'pod "ghost" not found in namespace "default"',
    },
    { body: bodies.podNotFound, target: {}, status: 404, reason: 'NotFound', message: 'pods "ghost" not found' },
    {
      body: bodies.forbidden,
      target: pod,
      status: 403,
      reason: 'Forbidden',
      message: expect.stringContaining('cannot list resource "pods"'),
    },
    {
      body: bodies.unauthorized,
      target: pod,
      status: 502,
      reason: 'ClusterUnreachable',
      message: 'cluster "prod-eu" rejected the stored credentials',
    },
    {
      body: bodies.containerChoice,
      target: pod,
      status: 400,
      reason: 'BadRequest',
      message: 'a container name must be specified for pod web-0, choose one of: [app sidecar]',
    },
    {
      body: bodies.invalid,
      target: pod,
      status: 400,
      reason: 'BadRequest',
      message: 'Pod "x" is invalid: spec.containers: Required value',
    },
    { body: bodies.conflict, target: pod, status: 409, reason: 'Conflict', message: 'pods "web-0" already exists' },
    {
      body: bodies.throttled,
      target: pod,
      status: 429,
      reason: 'TooManyRequests',
      message: 'Too many requests, please try again later.',
    },
    {
      body: bodies.internal,
      target: pod,
      status: 502,
      reason: 'ClusterUnreachable',
      message: 'cluster "prod-eu" answered 500 (InternalError)',
    },
    {
      body: bodies.expired,
      target: {},
      status: 502,
      reason: 'ClusterUnreachable',
      message: 'the cluster answered 410 (Expired)',
    },
  ])('$reason $status from a $body', ({ body, target, status, reason, message }) => {
    const error = apiErrorFromStatus(parseKubeStatus(body)!, target);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.origin).toBeUndefined(); // the cluster answered
    expect({ status: error.status, reason: error.reason, message: error.message }).toEqual({ status, reason, message });
  });

  it('keeps server-side failure messages out of the answer', () => {
    expect(apiErrorFromStatus(parseKubeStatus(bodies.internal)!).message).not.toContain('etcd');
  });

  it('falls back to the status code when the Status has no message', () => {
    expect(apiErrorFromStatus({ kind: 'Status', code: 400 }).message).toBe('the cluster answered 400');
  });
});

describe(parseKubeStatus.name, () => {
  it.each([
    { label: 'text', body: bodies.podNotFound },
    { label: 'bytes', body: Buffer.from(bodies.podNotFound) },
    { label: 'Uint8Array', body: new TextEncoder().encode(bodies.podNotFound) },
    { label: 'object', body: JSON.parse(bodies.podNotFound) },
  ])('reads a Status given as $label', ({ body }) => {
    expect(parseKubeStatus(body)).toMatchObject({
      kind: 'Status',
      code: 404,
      reason: 'NotFound',
      message: 'pods "ghost" not found',
    });
  });

  it.each([
    { label: 'an HTML page', body: '<html><body>502 Bad Gateway</body></html>' },
    { label: 'a pod', body: { kind: 'Pod', metadata: { name: 'x' } } },
    { label: 'null', body: null },
    { label: 'a number', body: 42 },
    { label: 'JSON text of an array', body: '[1,2]' },
  ])('gives undefined for $label', ({ body }) => {
    expect(parseKubeStatus(body)).toBeUndefined();
  });
});

describe(apiErrorFromTransportFailure.name, () => {
  const withCode = (code: string) => Object.assign(new Error('low-level'), { code });
  const fetchFailed = (cause: unknown) => new TypeError('fetch failed', { cause });
  const target = { clusterId: 'edge-1' };

  it.each([
    {
      label: 'connection refused',
      error: fetchFailed(withCode('ECONNREFUSED')),
      status: 502,
      reason: 'ClusterUnreachable',
      message: 'cluster "edge-1" could not be reached: connection refused',
    },
    {
      label: 'reset',
      error: withCode('ECONNRESET'),
      status: 502,
      reason: 'ClusterUnreachable',
      message: 'cluster "edge-1" could not be reached: connection lost',
    },
    {
      label: 'unknown host',
      error: fetchFailed(withCode('ENOTFOUND')),
      status: 502,
      reason: 'ClusterUnreachable',
      message: 'cluster "edge-1" could not be reached: host name not found',
    },
    {
      label: 'self-signed certificate',
      error: fetchFailed(withCode('DEPTH_ZERO_SELF_SIGNED_CERT')),
      status: 502,
      reason: 'ClusterUnreachable',
      message: 'cluster "edge-1" could not be reached: TLS verification failed (DEPTH_ZERO_SELF_SIGNED_CERT)',
    },
    {
      label: 'wrong host name in certificate',
      error: fetchFailed(withCode('ERR_TLS_CERT_ALTNAME_INVALID')),
      status: 502,
      reason: 'ClusterUnreachable',
      message: expect.stringContaining('TLS verification failed'),
    },
    {
      label: 'connect timeout',
      error: fetchFailed(withCode('UND_ERR_CONNECT_TIMEOUT')),
      status: 502,
      reason: 'ClusterUnreachable',
      message: 'cluster "edge-1" could not be reached: connection timed out',
    },
    {
      label: 'response timeout',
      error: fetchFailed(withCode('UND_ERR_HEADERS_TIMEOUT')),
      status: 504,
      reason: 'UpstreamTimeout',
      message: 'cluster "edge-1" did not answer in time',
    },
    {
      label: 'our own deadline',
      error: new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      status: 504,
      reason: 'UpstreamTimeout',
      message: 'cluster "edge-1" did not answer in time',
    },
    {
      label: 'a cause inside an AggregateError',
      error: new AggregateError([withCode('ECONNREFUSED')], 'all failed'),
      status: 502,
      reason: 'ClusterUnreachable',
      message: 'cluster "edge-1" could not be reached: connection refused',
    },
    {
      label: 'something unknown',
      error: new Error('boom at https://10.0.0.1:6443 with token abc'),
      status: 502,
      reason: 'ClusterUnreachable',
      message: 'cluster "edge-1" could not be reached',
    },
  ])('$label → $status $reason', ({ error, status, reason, message }) => {
    const mapped = apiErrorFromTransportFailure(error, target);
    expect({ status: mapped.status, reason: mapped.reason, message: mapped.message }).toEqual({
      status,
      reason,
      message,
    });
  });

  it('survives a cause cycle', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(apiErrorFromTransportFailure(a).reason).toBe('ClusterUnreachable');
  });
});
