import type { KubeStatus } from '../../common/kube/kube-objects.js';

/**
 * The `Status` written on channel 3 when an exec session ends, as a real cluster writes it.
 *
 * With `v5.channel.k8s.io` the API server speaks WebSocket itself and relays to the kubelet over SPDY
 * (apiserver pkg/util/proxy/streamtranslator.go, v1.30+); it decodes the runtime's status with client-go's
 * `errorDecoderV4` and writes its own, so texts differ from `v4.channel.k8s.io`, where the client talks to the
 * container runtime's streaming server through the API server's proxy (kubelet pkg/cri/streaming/remotecommand/exec.go
 * `ServeExec` with containerd's `CodeExitError`):
 *
 * | outcome           | v4                                                                                   | v5 |
 * |-------------------|--------------------------------------------------------------------------------------|----|
 * | exit 0            | `{"metadata":{},"status":"Success"}`                                                 | same |
 * | exit n            | NonZeroExitCode, `command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3` | NonZeroExitCode, `command terminated with non-zero exit code: command terminated with exit code 3` |
 * | cannot start      | InternalError 500, `Internal error occurred: error executing command in container: failed to exec in container: …` | the same wrapped once more: `Internal error occurred: Internal error occurred: error executing …` |
 * | kubelet refuses   | (an HTTP error before the upgrade)                                                   | InternalError 500, `Internal error occurred: unable to upgrade connection: container not found ("app")` |
 */

export const V5_PROTOCOL = 'v5.channel.k8s.io';
export const V4_PROTOCOL = 'v4.channel.k8s.io';

export type ExecOutcome =
  /** The process ran and exited (or was killed: 130 for ^C, 137 for SIGKILL). */
  | { kind: 'exited'; code: number }
  /** The runtime could not start the process; `ociMessage` is runc's error, `execId` containerd's exec id. */
  | { kind: 'failedToStart'; execId: string; ociMessage: string }
  /** The kubelet refused before any stream existed (`container not found ("app")`). */
  | { kind: 'refused'; message: string };

export function execStatus(protocol: string, command: readonly string[], outcome: ExecOutcome): KubeStatus {
  const v5 = protocol === V5_PROTOCOL;
  switch (outcome.kind) {
    case 'exited': {
      if (outcome.code === 0) return { kind: 'Status', metadata: {}, status: 'Success' };
      const code = outcome.code & 255;
      // containerd: `error executing command %v, exit code %d` (Go's %v of a []string); client-go: `command terminated with exit code %d`.
      const error = v5
        ? `command terminated with exit code ${code}`
        : `error executing command [${command.join(' ')}], exit code ${code}`;
      return {
        kind: 'Status',
        metadata: {},
        status: 'Failure',
        message: `command terminated with non-zero exit code: ${error}`,
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
      };
    }
    case 'failedToStart': {
      const runtimeError = `failed to exec in container: failed to start exec "${outcome.execId}": OCI runtime exec failed: ${outcome.ociMessage}`;
      const kubeletStatus = internalError(`error executing command in container: ${runtimeError}`);
      return v5 ? internalError(kubeletStatus.message ?? '') : kubeletStatus;
    }
    case 'refused':
      return internalError(`unable to upgrade connection: ${outcome.message}`);
  }
}

/** `errors.NewInternalError(err)`. */
function internalError(error: string): KubeStatus {
  return {
    kind: 'Status',
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${error}`,
    reason: 'InternalError',
    details: { causes: [{ message: error }] },
    code: 500,
  };
}

/**
 * The bytes Go's `json.Marshal(status)` writes: `kind`/`apiVersion` are empty on this channel and left out,
 * `metadata` is always there, then status, message, reason, details, code (zero values omitted).
 */
export function encodeStatus(status: KubeStatus): string {
  const ordered: Record<string, unknown> = { metadata: status.metadata ?? {} };
  if (status.status) ordered['status'] = status.status;
  if (status.message) ordered['message'] = status.message;
  if (status.reason) ordered['reason'] = status.reason;
  if (status.details) {
    const { name, group, kind, uid, causes, retryAfterSeconds } = status.details;
    const details: Record<string, unknown> = {};
    if (name) details['name'] = name;
    if (group) details['group'] = group;
    if (kind) details['kind'] = kind;
    if (uid) details['uid'] = uid;
    if (causes?.length) {
      details['causes'] = causes.map((cause) => {
        const ordered: Record<string, string> = {};
        if (cause.reason ?? cause.type) ordered['reason'] = (cause.reason ?? cause.type) as string;
        if (cause.message) ordered['message'] = cause.message;
        if (cause.field) ordered['field'] = cause.field;
        return ordered;
      });
    }
    if (retryAfterSeconds) details['retryAfterSeconds'] = retryAfterSeconds;
    ordered['details'] = details;
  }
  if (status.code) ordered['code'] = status.code;
  return JSON.stringify(ordered);
}
