import type { KubeContainerStatus, KubePod } from '../../common/kube/kube-objects.js';
import { KubeStatusError } from '../kube-status-error.js';
import type { ContainerInstance, LogQuery } from './container-log-store.js';
import { parseRfc3339 } from './go-time.js';
import { chooseContainer, containerStatus } from './pod-containers.js';
import { boolParam, int64Param } from './query-params.js';

/**
 * `GET /api/v1/namespaces/{ns}/pods/{name}/log`: the query as the API server decodes and validates it, and the
 * container instance the kubelet would read.
 */

export interface LogOptions {
  /** As given; empty when the request names no container. */
  container: string;
  previous: boolean;
  query: LogQuery;
}

export interface LogRequest extends LogOptions {
  /** The container the log is read from (the pod's only container when the request named none). */
  container: string;
  /**
   * The instance to read; `null` when the pod is not bound to a node: the API server then answers 200 with an
   * empty body (`LogLocation` returns no location).
   */
  instance: ContainerInstance | null;
}

/**
 * The whole request: options (400/422), container choice (400), then the kubelet's check of the container's
 * status (400, e.g. `previous terminated container "app" in pod "web-0" not found`).
 *
 * Instances are numbered by the `restartCount` the container status shows while the instance runs, so the current
 * instance of a running container is `restartCount` and the one before it `restartCount - 1`.
 */
export function parseLogRequest(pod: KubePod, params: URLSearchParams): LogRequest {
  const options = parseLogOptions(pod.metadata.name ?? '', params);
  const container = chooseContainer(pod, options.container);
  if (!pod.spec.nodeName) return { ...options, container, instance: null };
  const restartCount = instanceToRead(pod, container, options.previous);
  return { ...options, container, instance: { podUid: pod.metadata.uid ?? '', container, restartCount } };
}

/**
 * Decoding (400 with Go's text) then `ValidatePodLogOptions` (422 `PodLogOptions "<pod>" is invalid: …`), in the
 * order of pkg/registry/core/pod/rest/log.go `LogREST.Get` (v1.33), which validates before it reads the pod.
 */
export function parseLogOptions(podName: string, params: URLSearchParams): LogOptions {
  // Decoding stops at the first bad value, in the field order of PodLogOptions.
  const container = params.get('container') ?? '';
  const follow = boolParam(params, 'follow');
  const previous = boolParam(params, 'previous');
  const sinceSeconds = int64Param(params, 'sinceSeconds');
  const sinceTime = timeParam(params, 'sinceTime');
  const timestamps = boolParam(params, 'timestamps');
  const tailLines = int64Param(params, 'tailLines');
  const limitBytes = int64Param(params, 'limitBytes');

  const problems: FieldProblem[] = [];
  if (tailLines !== undefined && tailLines < 0) {
    problems.push(invalid('tailLines', tailLines, 'must be greater than or equal to 0'));
  }
  if (limitBytes !== undefined && limitBytes < 1)
    problems.push(invalid('limitBytes', limitBytes, 'must be greater than 0'));
  if (sinceSeconds !== undefined && sinceTime !== undefined) {
    problems.push({
      field: '',
      type: 'FieldValueForbidden',
      body: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified',
    });
  } else if (sinceSeconds !== undefined && sinceSeconds < 1) {
    problems.push(invalid('sinceSeconds', sinceSeconds, 'must be greater than 0'));
  }
  if (problems.length > 0) throw invalidOptions(podName, problems);

  const query: LogQuery = { follow, timestamps };
  if (sinceSeconds !== undefined) query.sinceSeconds = sinceSeconds;
  if (sinceTime !== undefined) query.sinceTime = sinceTime;
  if (tailLines !== undefined) query.tailLines = tailLines;
  if (limitBytes !== undefined) query.limitBytes = limitBytes;
  return { container, previous, query };
}

/**
 * `sinceTime` as the kubelet receives it. The API server forwards it formatted as RFC 3339 *without* fractional
 * seconds (`LogLocation`: `opts.SinceTime.Format(time.RFC3339)`), so a fraction the client sent is cut off.
 * An empty value (or `null`) decodes to Go's zero time: set, but no bound.
 */
function timeParam(params: URLSearchParams, name: string): Date | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  if (value === '' || value === 'null') return new Date(ZERO_TIME_MS);
  let millis: number;
  try {
    millis = parseRfc3339(value);
  } catch (error) {
    throw KubeStatusError.badRequest((error as Error).message);
  }
  return new Date(Math.floor(millis / 1000) * 1000);
}

/** 0001-01-01T00:00:00Z, Go's zero `time.Time`. */
const ZERO_TIME_MS = -62_135_596_800_000;

interface FieldProblem {
  field: string;
  type: 'FieldValueInvalid' | 'FieldValueForbidden';
  /** `field.Error.ErrorBody()`. */
  body: string;
}

function invalid(field: string, value: number, detail: string): FieldProblem {
  return { field, type: 'FieldValueInvalid', body: `Invalid value: ${value}: ${detail}` };
}

/** `errors.NewInvalid(api.Kind("PodLogOptions"), name, errs)`: 422 with one cause per field error. */
function invalidOptions(podName: string, problems: FieldProblem[]): KubeStatusError {
  const texts = problems.map((problem) => `${problem.field}: ${problem.body}`);
  const aggregate = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  return KubeStatusError.of(422, 'Invalid', `PodLogOptions "${podName}" is invalid: ${aggregate}`, {
    name: podName,
    kind: 'PodLogOptions',
    causes: problems.map((problem) => ({
      reason: problem.type,
      message: problem.body,
      ...(problem.field ? { field: problem.field } : {}),
    })),
  });
}

/**
 * Which instance the kubelet reads, or its 400. Port of `validateContainerLogStatus`, pkg/kubelet/kubelet_pods.go
 * (v1.33). A `containerID` of `""` counts as "no container", as there; an absent one is accepted, so statuses
 * written without IDs (tests, the status subresource) still have logs.
 */
function instanceToRead(pod: KubePod, container: string, previous: boolean): number {
  const podName = pod.metadata.name ?? '';
  const status = containerStatus(pod, container);
  if (!status) throw kubeletError(`container "${container}" in pod "${podName}" is not available`);
  const lastTerminated = status.lastState?.terminated;
  const { waiting, running, terminated } = status.state ?? {};
  const restartCount = status.restartCount ?? 0;
  // While a container waits to be restarted its restartCount still counts the instance that last ran.
  const lastInstance = waiting ? restartCount : restartCount - 1;

  if (previous) {
    if (!lastTerminated || lastTerminated.containerID === '') {
      throw kubeletError(`previous terminated container "${container}" in pod "${podName}" not found`);
    }
    return lastInstance;
  }
  if (running) return restartCount;
  if (terminated) {
    if (terminated.containerID !== '') return restartCount;
    if (lastTerminated && lastTerminated.containerID !== '') return lastInstance;
    throw kubeletError(`container "${container}" in pod "${podName}" is terminated`);
  }
  if (lastTerminated) {
    if (lastTerminated.containerID === '') {
      throw kubeletError(`container "${container}" in pod "${podName}" is terminated`);
    }
    return lastInstance;
  }
  if (waiting)
    throw kubeletError(`container "${container}" in pod "${podName}" is waiting to start: ${waitingText(waiting)}`);
  throw kubeletError(`container "${container}" in pod "${podName}" is waiting to start - no logs yet`);
}

function waitingText(waiting: NonNullable<NonNullable<KubeContainerStatus['state']>['waiting']>): string {
  switch (waiting.reason) {
    case 'ErrImagePull':
      return "image can't be pulled";
    case 'ImagePullBackOff':
      return 'trying and failing to pull image';
    default:
      return waiting.reason ?? '';
  }
}

/**
 * The kubelet answers 400 with the error text; the API server's response checker turns a 400 from the kubelet into
 * `errors.NewBadRequest(body)` (apiserver pkg/registry/generic/rest/response_checker.go).
 */
function kubeletError(message: string): KubeStatusError {
  return KubeStatusError.badRequest(message);
}
