import { ApiError } from '../../common/errors/api-error.js';
import {
  decodeExecFrame,
  encodeExecFrame,
  encodeResizeFrame,
  execExitFromStatus,
  execRefusal,
  type ExecTarget,
} from './exec-protocol.js';

const target: ExecTarget = { clusterId: 'prod', namespace: 'shop', pod: 'web-0', container: 'app' };

/**
 * Channel-3 payloads as API servers write them: the simulator's (captured from src/sandbox/containers/exec-status.ts
 * for both protocols) and a containerd cluster's (Kubernetes v1.33, v5.channel.k8s.io through the API server).
 */
const SUCCESS = '{"metadata":{},"status":"Success"}';
const exitStatus = (code: number, protocol: 'v4' | 'v5' = 'v5') =>
  JSON.stringify({
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: ${
      protocol === 'v5'
        ? `command terminated with exit code ${code}`
        : `error executing command [sh -c exit ${code}], exit code ${code}`
    }`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  });
const internalError = (message: string) =>
  JSON.stringify({
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${message}`,
    reason: 'InternalError',
    details: { causes: [{ message }] },
    code: 500,
  });
const START_FAILURE_V4 = internalError(
  'error executing command in container: failed to exec in container: failed to start exec "5f0c": OCI runtime exec failed: exec failed: unable to start container process: exec: "nope": executable file not found in $PATH',
);
const START_FAILURE_V5 = internalError(
  'Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "5f0c": OCI runtime exec failed: exec failed: unable to start container process: exec: "nope": executable file not found in $PATH',
);
const START_FAILURE_CONTAINERD = internalError(
  'error executing command in container: failed to exec in container: failed to start exec "9d1e4b": OCI runtime exec failed: exec failed: unable to start container process: exec: "/bin/bash": stat /bin/bash: no such file or directory: unknown',
);
const NOT_RUNNING_V5 = internalError('unable to upgrade connection: container not found ("app")');

const exited = (code: number) => ({ kind: 'exited', code });
const failed = (status: number, reason: string, message: string) => ({
  kind: 'failed',
  error: expect.objectContaining({ status, reason, message }),
});

describe(execExitFromStatus.name, () => {
  it.each([
    { name: 'Success', payload: SUCCESS, expected: exited(0) },
    { name: 'exit 3 (v5 wording)', payload: exitStatus(3), expected: exited(3) },
    { name: 'exit 3 (v4 wording)', payload: exitStatus(3, 'v4'), expected: exited(3) },
    { name: 'an unknown command in a shell', payload: exitStatus(127), expected: exited(127) },
    { name: '^C (SIGINT)', payload: exitStatus(130), expected: exited(130) },
    { name: 'SIGKILL (the pod deleted)', payload: exitStatus(137), expected: exited(137) },
    { name: 'the largest exit code', payload: exitStatus(255), expected: exited(255) },
    {
      name: 'the container not running (v5: the kubelet refused after the upgrade)',
      payload: NOT_RUNNING_V5,
      expected: failed(409, 'Conflict', 'container "app" of pod "web-0" in namespace "shop" is not running'),
    },
    {
      name: 'a program the runtime cannot start (v4)',
      payload: START_FAILURE_V4,
      expected: failed(
        400,
        'BadRequest',
        'the command could not be started in container "app": exec: "nope": executable file not found in $PATH',
      ),
    },
    {
      name: 'a program the runtime cannot start (v5, wrapped once more)',
      payload: START_FAILURE_V5,
      expected: failed(
        400,
        'BadRequest',
        'the command could not be started in container "app": exec: "nope": executable file not found in $PATH',
      ),
    },
    {
      name: 'containerd’s start failure, with runc’s ": unknown" tail',
      payload: START_FAILURE_CONTAINERD,
      expected: failed(
        400,
        'BadRequest',
        'the command could not be started in container "app": exec: "/bin/bash": stat /bin/bash: no such file or directory',
      ),
    },
    {
      name: 'another internal error: reduced to its code, the cluster’s text kept out',
      payload: internalError('dial tcp 10.0.0.7:10250: connect: connection refused'),
      expected: failed(502, 'ClusterUnreachable', 'cluster "prod" answered 500 (InternalError)'),
    },
    {
      name: 'NonZeroExitCode without an ExitCode cause',
      payload: JSON.stringify({ metadata: {}, status: 'Failure', reason: 'NonZeroExitCode', message: 'x' }),
      expected: failed(502, 'ClusterUnreachable', 'cluster "prod" sent an exit status that could not be read'),
    },
    {
      name: 'an exit code that is not a number',
      payload: JSON.stringify({
        status: 'Failure',
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: 'three' }] },
      }),
      expected: failed(502, 'ClusterUnreachable', 'cluster "prod" sent an exit status that could not be read'),
    },
    {
      name: 'an exit code above 255',
      payload: JSON.stringify({
        status: 'Failure',
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: '256' }] },
      }),
      expected: failed(502, 'ClusterUnreachable', 'cluster "prod" sent an exit status that could not be read'),
    },
    {
      name: 'a payload that is not JSON',
      payload: 'panic: runtime error',
      expected: failed(502, 'ClusterUnreachable', 'cluster "prod" sent an exit status that could not be read'),
    },
    {
      name: 'JSON that is no Status',
      payload: '[1,2]',
      expected: failed(502, 'ClusterUnreachable', 'cluster "prod" sent an exit status that could not be read'),
    },
  ])('$name', ({ payload, expected }) => {
    expect(execExitFromStatus(Buffer.from(payload), target)).toEqual(expected);
  });

  it('reads a status whose bytes came in several frames', () => {
    const bytes = Buffer.from(exitStatus(42));
    expect(execExitFromStatus(Buffer.concat([bytes.subarray(0, 10), bytes.subarray(10)]), target)).toEqual(exited(42));
  });
});

const status = (code: number, reason: string, message: string) =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });

describe(execRefusal.name, () => {
  it.each([
    {
      name: 'a missing pod',
      code: 404,
      body: status(404, 'NotFound', 'pods "web-0" not found'),
      expected: { status: 404, reason: 'NotFound', message: 'pod "web-0" not found in namespace "shop"' },
    },
    {
      name: 'a container the pod does not have',
      code: 400,
      body: status(400, 'BadRequest', 'container app is not valid for pod web-0'),
      expected: { status: 404, reason: 'NotFound', message: 'container "app" not found in pod "web-0"' },
    },
    {
      name: 'no container named in a pod of several',
      code: 400,
      body: status(400, 'BadRequest', 'a container name must be specified for pod web-0, choose one of: [app proxy]'),
      expected: {
        status: 400,
        reason: 'BadRequest',
        message: 'a container name must be specified for pod web-0, choose one of: [app proxy]',
      },
    },
    {
      name: 'a pod on no node yet',
      code: 400,
      body: status(400, 'BadRequest', 'pod web-0 does not have a host assigned'),
      expected: {
        status: 409,
        reason: 'Conflict',
        message: 'container "app" of pod "web-0" in namespace "shop" is not running',
      },
    },
    {
      name: 'RBAC',
      code: 403,
      body: status(
        403,
        'Forbidden',
        'pods "web-0" is forbidden: User "viewer" cannot create resource "pods/exec" in API group "" in the namespace "shop"',
      ),
      expected: {
        status: 403,
        reason: 'Forbidden',
        message:
          'pods "web-0" is forbidden: User "viewer" cannot create resource "pods/exec" in API group "" in the namespace "shop"',
      },
    },
    {
      name: 'stored credentials the cluster rejects',
      code: 401,
      body: status(401, 'Unauthorized', 'Unauthorized'),
      expected: {
        status: 502,
        reason: 'ClusterUnreachable',
        message: 'cluster "prod" rejected the stored credentials',
      },
    },
    {
      name: 'the container not running (v4: the kubelet’s text, proxied before any upgrade)',
      code: 500,
      body: 'container not found ("app")',
      expected: {
        status: 409,
        reason: 'Conflict',
        message: 'container "app" of pod "web-0" in namespace "shop" is not running',
      },
    },
    {
      name: 'a proxy’s HTML page: the code only, never the body',
      code: 502,
      body: '<html><body>Bad gateway; upstream token=s3cr3t</body></html>',
      expected: { status: 502, reason: 'ClusterUnreachable', message: 'cluster "prod" answered 502' },
    },
    {
      name: 'a kubelet text that is not a refusal the service knows',
      code: 400,
      body: 'you must specify at least 1 of stdin, stdout, stderr',
      expected: { status: 400, reason: 'BadRequest', message: 'the cluster answered 400' },
    },
    {
      name: 'a server that answered without upgrading',
      code: 200,
      body: '{"kind":"PodList"}',
      expected: { status: 502, reason: 'ClusterUnreachable', message: 'cluster "prod" answered 200' },
    },
  ])('$name', ({ code, body, expected }) => {
    const error = execRefusal(code, body, target);
    expect(error).toBeInstanceOf(ApiError);
    expect({ status: error.status, reason: error.reason, message: error.message }).toEqual(expected);
    expect(error.origin).toBeUndefined(); // an answer saying no, not a transport failure
  });
});

describe('exec frames', () => {
  // v4 and v5 frame every message alike: one channel byte, then the payload. v5 only adds the client's CLOSE
  // signal (channel 255), which a terminal does not need (it ends its input with ^D).
  it.each([
    { name: 'stdin', channel: 0, payload: 'ls -la\r', bytes: [0, ...Buffer.from('ls -la\r')] },
    { name: 'stdin, UTF-8', channel: 0, payload: 'é', bytes: [0, 0xc3, 0xa9] },
    { name: 'stdin, one half of a character', channel: 0, payload: Buffer.of(0xe2, 0x82), bytes: [0, 0xe2, 0x82] },
    { name: 'stdin, empty', channel: 0, payload: '', bytes: [0] },
    {
      name: 'resize',
      channel: 4,
      payload: '{"Width":80,"Height":24}',
      bytes: [4, ...Buffer.from('{"Width":80,"Height":24}')],
    },
  ])('encodes $name', ({ channel, payload, bytes }) => {
    expect([...encodeExecFrame(channel, payload)]).toEqual(bytes);
  });

  it.each([
    { name: 'stdout', bytes: [1, 0x68, 0x69], expected: { channel: 1, payload: 'hi' } },
    { name: 'stderr', bytes: [2, 0x21], expected: { channel: 2, payload: '!' } },
    { name: 'the opening empty stdout frame', bytes: [1], expected: { channel: 1, payload: '' } },
    { name: 'the error channel', bytes: [3, ...Buffer.from(SUCCESS)], expected: { channel: 3, payload: SUCCESS } },
    { name: 'a channel the service does not use', bytes: [9, 1], expected: { channel: 9, payload: '\x01' } },
  ])('decodes $name', ({ bytes, expected }) => {
    const frame = decodeExecFrame(Buffer.from(bytes));
    expect(frame && { channel: frame.channel, payload: frame.payload.toString('utf8') }).toEqual(expected);
  });

  it('decodes an empty message as no frame', () => {
    expect(decodeExecFrame(Buffer.alloc(0))).toBeUndefined();
  });

  it('keeps the bytes of a character split across two frames for the reader to join', () => {
    const euro = Buffer.from('€');
    const first = decodeExecFrame(Buffer.concat([Buffer.of(1), euro.subarray(0, 1)]));
    const second = decodeExecFrame(Buffer.concat([Buffer.of(1), euro.subarray(1)]));
    expect(Buffer.concat([first!.payload, second!.payload]).toString('utf8')).toBe('€');
  });

  it.each([
    { cols: 80, rows: 24, json: '{"Width":80,"Height":24}' },
    { cols: 1000, rows: 1, json: '{"Width":1000,"Height":1}' },
  ])('encodes a resize to $cols x $rows as client-go’s TerminalSize on channel 4', ({ cols, rows, json }) => {
    const frame = encodeResizeFrame(cols, rows);
    expect(frame[0]).toBe(4);
    expect(frame.subarray(1).toString('utf8')).toBe(json);
  });
});
