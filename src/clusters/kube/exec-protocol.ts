import { ApiError } from '../../common/errors/api-error.js';
import { apiErrorFromStatus, parseKubeStatus, type KubeTarget } from '../../common/errors/kube-status.js';
import type { KubeStatus } from '../../common/kube/kube-objects.js';
import type { ExecExit } from './kube-api.js';

/**
 * The client side of the remote command protocol over WebSocket (k8s.io/apimachinery pkg/util/remotecommand,
 * client-go tools/remotecommand websocket.go, v1.33): every binary message is one channel byte and a payload.
 * Channels: 0 stdin, 1 stdout, 2 stderr, 3 error (the final `Status`), 4 resize (`{"Width","Height"}`).
 * v5 adds a CLOSE signal (255) for a client whose stdin ends; a terminal ends its input with ^D instead.
 */

/** Subprotocols offered, preferred first: v5 is served by API servers from 1.30 on, v4 by older ones. */
export const EXEC_PROTOCOLS: readonly string[] = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

export const EXEC_CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4 } as const;

/** The process an exec session runs, named the way errors name it. */
export interface ExecTarget {
  clusterId: string;
  namespace: string;
  pod: string;
  container: string;
}

export interface ExecFrame {
  channel: number;
  /** The message's bytes after the channel byte (a view, not a copy). */
  payload: Buffer;
}

export function encodeExecFrame(channel: number, payload: Buffer | string): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const frame = Buffer.allocUnsafe(bytes.length + 1);
  frame[0] = channel;
  bytes.copy(frame, 1);
  return frame;
}

/** A message from the server; `undefined` for an empty one (no channel byte). */
export function decodeExecFrame(message: Buffer): ExecFrame | undefined {
  if (message.length === 0) return undefined;
  return { channel: message[0], payload: message.subarray(1) };
}

/** client-go's `TerminalSize` as JSON on the resize channel. */
export function encodeResizeFrame(cols: number, rows: number): Buffer {
  return encodeExecFrame(EXEC_CHANNEL.resize, JSON.stringify({ Width: cols, Height: rows }));
}

/**
 * How the process ended, from the `Status` the server wrote on channel 3 (client-go remotecommand errorDecoderV4):
 * `Success` → 0, `NonZeroExitCode` with an `ExitCode` cause (0–255) → that code. Anything else is a failure: the
 * kubelet's refusal of a container that is not running (409), a program the runtime cannot start (400, with the
 * runtime's reason: a container runtime reports no exit code for it), or the cluster's code alone.
 */
export function execExitFromStatus(payload: Buffer, target: ExecTarget): ExecExit {
  const status = parseChannelStatus(payload);
  if (status?.status === 'Success') return { kind: 'exited', code: 0 };
  if (!status || status.reason === 'NonZeroExitCode') {
    const code = status && exitCodeCause(status);
    if (code !== undefined) return { kind: 'exited', code };
    return failed(
      new ApiError(502, 'ClusterUnreachable', `${clusterName(target)} sent an exit status that could not be read`),
    );
  }
  const message = status.message ?? '';
  if (CONTAINER_NOT_FOUND.test(message)) return failed(notRunning(target));
  const startFailure = runtimeStartFailure(message);
  if (startFailure !== undefined) {
    return failed(
      ApiError.badRequest(`the command could not be started in container "${target.container}": ${startFailure}`),
    );
  }
  return failed(apiErrorFromStatus({ ...status, code: status.code ?? 500 }, kubeTarget(target)));
}

/**
 * The API server's (or, with v4, the kubelet's) refusal of the upgrade, from its HTTP status and the start of its
 * body: a `Status` as the API server writes it, or the kubelet's plain text. Only a Status's message is kept, and
 * only where `apiErrorFromStatus` keeps it; any other body is left out (it may be a proxy's page, or worse).
 */
export function execRefusal(statusCode: number, body: string, target: ExecTarget): ApiError {
  const status = parseKubeStatus(body);
  if (!status) {
    if (statusCode === 500 && CONTAINER_NOT_FOUND.test(body)) return notRunning(target);
    return apiErrorFromStatus({ kind: 'Status', code: statusCode }, kubeTarget(target));
  }
  const code = status.code ?? statusCode;
  const message = status.message ?? '';
  // pkg/registry/core/pod/strategy.go validateContainer and ExecLocation (v1.33): the 400s worth telling apart.
  if (code === 400 && /^container \S+ is not valid for pod \S+$/.test(message)) {
    return ApiError.notFound(`container "${target.container}" not found in pod "${target.pod}"`);
  }
  if (code === 400 && /^pod \S+ does not have a host assigned$/.test(message)) return notRunning(target);
  return apiErrorFromStatus({ ...status, code }, kubeTarget(target));
}

/** The kubelet's `GetExec` for a container that is not running (kubelet.go, v1.33): `container not found ("app")`. */
const CONTAINER_NOT_FOUND = /container not found \("[^"]*"\)/;

function notRunning(target: ExecTarget): ApiError {
  return ApiError.conflict(
    `container "${target.container}" of pod "${target.pod}" in namespace "${target.namespace}" is not running`,
  );
}

const EXEC_FAILED = 'error executing command in container: ';
const OCI_FAILED = 'OCI runtime exec failed: ';
const RUNC_PREFIX = 'exec failed: unable to start container process: ';

/**
 * The runtime's reason for not starting the program, from the kubelet's `error executing command in container: …`
 * (kubelet pkg/cri/streaming/remotecommand/exec.go): containerd wraps runc's error (`OCI runtime exec failed: exec
 * failed: unable to start container process: exec: "x": executable file not found in $PATH: unknown`); the part
 * that names the program and the cause is kept.
 */
function runtimeStartFailure(message: string): string | undefined {
  const at = message.indexOf(EXEC_FAILED);
  if (at < 0) return undefined;
  let reason = message.slice(at + EXEC_FAILED.length);
  const oci = reason.lastIndexOf(OCI_FAILED);
  if (oci >= 0) reason = reason.slice(oci + OCI_FAILED.length);
  if (reason.startsWith(RUNC_PREFIX)) reason = reason.slice(RUNC_PREFIX.length);
  return reason.replace(/: unknown$/, '').trim() || undefined;
}

/** Channel 3 carries the Status without `kind` (Go's `json.Marshal` of a `metav1.Status` whose TypeMeta is empty). */
function parseChannelStatus(payload: Buffer): KubeStatus | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const status = parseKubeStatus({ ...value, kind: 'Status' });
  return status?.status === undefined ? undefined : status;
}

/** client-go: `strconv.ParseUint(cause.Message, 10, 8)`; anything else is a protocol error. */
function exitCodeCause(status: KubeStatus): number | undefined {
  const cause = status.details?.causes?.find((candidate) => candidate.reason === 'ExitCode');
  if (!cause?.message || !/^\d{1,3}$/.test(cause.message)) return undefined;
  const code = Number(cause.message);
  return code <= 255 ? code : undefined;
}

function failed(error: ApiError): ExecExit {
  return { kind: 'failed', error };
}

function kubeTarget(target: ExecTarget): KubeTarget {
  return { clusterId: target.clusterId, kind: 'pod', namespace: target.namespace, name: target.pod };
}

function clusterName(target: ExecTarget): string {
  return `cluster "${target.clusterId}"`;
}
