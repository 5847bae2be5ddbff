import type { KubePod } from '../../common/kube/kube-objects.js';
import { KubeStatusError } from '../kube-status-error.js';
import { chooseContainer, containerStatus } from './pod-containers.js';
import { boolParam } from './query-params.js';

/** `pods/exec` options (`PodExecOptions`) as the API server decodes them. */
export interface ExecRequest {
  /** The container chosen: as named, or the pod's only container. */
  container: string;
  /** The repeated `command=` parameters, in order. */
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/**
 * What the API server checks before it connects to the kubelet (pkg/registry/core/pod/strategy.go `ExecLocation`,
 * v1.33): the container choice and the pod's node. Each failure is a 400 before any upgrade. Everything later
 * (no stream requested, container not running, unknown program) is found by the kubelet or the runtime once the
 * WebSocket is up, and reported on channel 3: see `execRefusal()` and `ExecSessions`.
 */
export function parseExecRequest(pod: KubePod, params: URLSearchParams): ExecRequest {
  const container = chooseContainer(pod, params.get('container') ?? '');
  if (!pod.spec.nodeName) {
    throw KubeStatusError.badRequest(`pod ${pod.metadata.name ?? ''} does not have a host assigned`);
  }
  return {
    container,
    command: params.getAll('command'),
    stdin: boolParam(params, 'stdin'),
    stdout: boolParam(params, 'stdout'),
    stderr: boolParam(params, 'stderr'),
    tty: boolParam(params, 'tty'),
  };
}

/** The kubelet's refusal: its HTTP status and plain-text body. */
export interface ExecRefusal {
  code: number;
  message: string;
}

/**
 * Why the kubelet would refuse this exec before streaming, if it would: no stream requested (400, kubelet
 * remotecommand `NewOptions`, where stderr does not count with a TTY) or the container not running (500,
 * `Kubelet.GetExec`: `container not found ("app")`).
 *
 * With v5 the API server has already upgraded the connection when it learns this, so the client gets it on
 * channel 3 (`ExecSessions.start` does that). With v4 the API server proxies the kubelet's answer before any
 * upgrade: a server that wants that exactness answers `code` with `message` as text/plain instead of upgrading.
 */
export function execRefusal(pod: KubePod, request: ExecRequest): ExecRefusal | undefined {
  const stderr = request.stderr && !request.tty;
  if (!request.stdin && !request.stdout && !stderr) {
    return { code: 400, message: 'you must specify at least 1 of stdin, stdout, stderr' };
  }
  if (!containerStatus(pod, request.container)?.state?.running) {
    return { code: 500, message: `container not found ("${request.container}")` };
  }
  return undefined;
}
