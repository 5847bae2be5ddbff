import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type {
  KubeContainer,
  KubeContainerState,
  KubeContainerStatus,
  KubePod,
} from '../../common/kube/kube-objects.js';
import { podDisplayStatus } from '../pod-status.js';

export class PodCondition {
  @ApiProperty({ example: 'Ready' })
  type!: string;

  @ApiProperty({ example: 'True', description: '`True`, `False` or `Unknown`' })
  status!: string;

  @ApiProperty({ type: String, nullable: true })
  reason!: string | null;

  @ApiProperty({ type: String, nullable: true })
  message!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '2026-01-01T00:00:00Z' })
  lastTransitionTime!: string | null;
}

export class ContainerStateRunning {
  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z' })
  startedAt?: string;
}

export class ContainerStateWaiting {
  @ApiPropertyOptional({ example: 'CrashLoopBackOff' })
  reason?: string;

  @ApiPropertyOptional()
  message?: string;
}

export class ContainerStateTerminated {
  @ApiProperty({ type: 'integer', example: 0 })
  exitCode!: number;

  @ApiPropertyOptional({ type: 'integer' })
  signal?: number;

  @ApiPropertyOptional({ example: 'Completed' })
  reason?: string;

  @ApiPropertyOptional()
  message?: string;

  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z' })
  startedAt?: string;

  @ApiPropertyOptional({ example: '2026-01-01T00:05:00Z' })
  finishedAt?: string;
}

/** Exactly one of the three is set for a known state; none when the state is unknown. */
export class ContainerState {
  @ApiPropertyOptional({ type: ContainerStateRunning })
  running?: ContainerStateRunning;

  @ApiPropertyOptional({ type: ContainerStateWaiting })
  waiting?: ContainerStateWaiting;

  @ApiPropertyOptional({ type: ContainerStateTerminated })
  terminated?: ContainerStateTerminated;
}

export class ContainerStatusDetail {
  @ApiProperty({ example: 'nginx' })
  name!: string;

  @ApiProperty()
  ready!: boolean;

  @ApiProperty({ type: 'integer' })
  restartCount!: number;

  @ApiProperty({ type: Boolean, nullable: true })
  started!: boolean | null;

  @ApiProperty({ type: String, nullable: true, example: 'nginx:1.21' })
  image!: string | null;

  @ApiProperty({ type: ContainerState })
  state!: ContainerState;

  @ApiProperty({ type: ContainerState })
  lastState!: ContainerState;
}

export class ContainerPort {
  @ApiProperty({ type: 'integer', example: 80 })
  containerPort!: number;

  @ApiPropertyOptional({ example: 'http' })
  name?: string;

  @ApiPropertyOptional({ example: 'TCP' })
  protocol?: string;
}

export class ResourceRequirements {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { cpu: '500m', memory: '256Mi' },
  })
  limits?: Record<string, string>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { cpu: '100m', memory: '128Mi' },
  })
  requests?: Record<string, string>;
}

export class VolumeMount {
  @ApiProperty({ example: 'data' })
  name!: string;

  @ApiProperty({ example: '/var/lib/data' })
  mountPath!: string;

  @ApiPropertyOptional()
  readOnly?: boolean;

  @ApiPropertyOptional()
  subPath?: string;
}

export class ContainerDetail {
  @ApiProperty({ example: 'nginx' })
  name!: string;

  @ApiProperty({ type: String, nullable: true, example: 'nginx:1.21' })
  image!: string | null;

  @ApiProperty({ type: [String], nullable: true })
  command!: string[] | null;

  @ApiProperty({ type: [String], nullable: true })
  args!: string[] | null;

  @ApiProperty({ type: [ContainerPort] })
  ports!: ContainerPort[];

  @ApiProperty({ type: ResourceRequirements })
  resources!: ResourceRequirements;

  @ApiProperty({ type: [VolumeMount] })
  volumeMounts!: VolumeMount[];

  @ApiPropertyOptional({ description: 'For an init container: `Always` makes it a sidecar' })
  restartPolicy?: string;
}

export class PodSpecDetail {
  @ApiProperty({ type: String, nullable: true, example: 'node-1' })
  nodeName!: string | null;

  @ApiProperty({ type: [ContainerDetail] })
  containers!: ContainerDetail[];

  @ApiProperty({ type: [ContainerDetail] })
  initContainers!: ContainerDetail[];

  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'The pod spec volumes, as Kubernetes defines them',
  })
  volumes!: Record<string, unknown>[];

  @ApiProperty({ type: String, nullable: true, example: 'Always' })
  restartPolicy!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'default' })
  serviceAccountName!: string | null;
}

export class PodStatusDetail {
  @ApiProperty({ type: String, nullable: true, example: 'Running' })
  phase!: string | null;

  @ApiProperty({ description: 'As `kubectl get pods` prints it in its STATUS column', example: 'Running' })
  displayStatus!: string;

  @ApiProperty({ type: String, nullable: true })
  podIP!: string | null;

  @ApiProperty({ type: String, nullable: true })
  hostIP!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Burstable' })
  qosClass!: string | null;

  @ApiProperty({ type: String, nullable: true })
  startTime!: string | null;

  @ApiProperty({ type: [PodCondition] })
  conditions!: PodCondition[];

  @ApiProperty({ type: [ContainerStatusDetail] })
  containerStatuses!: ContainerStatusDetail[];

  @ApiProperty({ type: [ContainerStatusDetail] })
  initContainerStatuses!: ContainerStatusDetail[];
}

export class OwnerReference {
  @ApiProperty({ example: 'apps/v1' })
  apiVersion!: string;

  @ApiProperty({ example: 'ReplicaSet' })
  kind!: string;

  @ApiProperty({ example: 'nginx-7c5ddbdf54' })
  name!: string;

  @ApiProperty()
  uid!: string;

  @ApiPropertyOptional()
  controller?: boolean;
}

/** One pod, in detail (api.md §3.2). */
export class PodDetail {
  @ApiProperty({ example: 'nginx-abc123' })
  name!: string;

  @ApiProperty({ example: 'default' })
  namespace!: string;

  @ApiProperty()
  uid!: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  labels!: Record<string, string>;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  annotations!: Record<string, string>;

  @ApiProperty({ type: PodStatusDetail })
  status!: PodStatusDetail;

  @ApiProperty({ type: PodSpecDetail })
  spec!: PodSpecDetail;

  @ApiProperty({ type: [OwnerReference] })
  ownerReferences!: OwnerReference[];

  @ApiProperty({ example: '2026-01-01T00:00:00Z' })
  createdAt!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Set once deletion was requested' })
  deletionTimestamp!: string | null;
}

export function toPodDetail(pod: KubePod): PodDetail {
  const status = pod.status ?? {};
  return {
    name: pod.metadata.name ?? '',
    namespace: pod.metadata.namespace ?? '',
    uid: pod.metadata.uid ?? '',
    labels: pod.metadata.labels ?? {},
    annotations: pod.metadata.annotations ?? {},
    status: {
      phase: status.phase ?? null,
      displayStatus: podDisplayStatus(pod),
      podIP: status.podIP ?? null,
      hostIP: status.hostIP ?? null,
      qosClass: status.qosClass ?? null,
      startTime: status.startTime ?? null,
      conditions: (status.conditions ?? []).map((condition) => ({
        type: condition.type,
        status: condition.status,
        reason: condition.reason ?? null,
        message: condition.message ?? null,
        lastTransitionTime: condition.lastTransitionTime ?? null,
      })),
      containerStatuses: (status.containerStatuses ?? []).map(toContainerStatus),
      initContainerStatuses: (status.initContainerStatuses ?? []).map(toContainerStatus),
    },
    spec: {
      nodeName: pod.spec.nodeName || null,
      containers: pod.spec.containers.map(toContainer),
      initContainers: (pod.spec.initContainers ?? []).map(toContainer),
      volumes: pod.spec.volumes ?? [],
      restartPolicy: pod.spec.restartPolicy ?? null,
      serviceAccountName: pod.spec.serviceAccountName ?? null,
    },
    ownerReferences: (pod.metadata.ownerReferences ?? []).map(({ apiVersion, kind, name, uid, controller }) => ({
      apiVersion,
      kind,
      name,
      uid,
      ...(controller === undefined ? {} : { controller }),
    })),
    createdAt: pod.metadata.creationTimestamp ?? '',
    deletionTimestamp: pod.metadata.deletionTimestamp ?? null,
  };
}

function toContainer(container: KubeContainer): ContainerDetail {
  return {
    name: container.name,
    image: container.image ?? null,
    command: container.command ?? null,
    args: container.args ?? null,
    ports: (container.ports ?? []).map(({ containerPort, name, protocol }) => ({
      containerPort,
      ...(name ? { name } : {}),
      ...(protocol ? { protocol } : {}),
    })),
    resources: container.resources ?? {},
    volumeMounts: container.volumeMounts ?? [],
    ...(container.restartPolicy ? { restartPolicy: container.restartPolicy } : {}),
  };
}

function toContainerStatus(status: KubeContainerStatus): ContainerStatusDetail {
  return {
    name: status.name,
    ready: status.ready,
    restartCount: status.restartCount ?? 0,
    started: status.started ?? null,
    image: status.image ?? null,
    state: toState(status.state),
    lastState: toState(status.lastState),
  };
}

function toState(state: KubeContainerState | undefined): ContainerState {
  if (state?.running)
    return { running: { ...(state.running.startedAt ? { startedAt: state.running.startedAt } : {}) } };
  if (state?.waiting)
    return { waiting: definedFields({ reason: state.waiting.reason, message: state.waiting.message }) };
  if (state?.terminated) {
    const { exitCode, signal, reason, message, startedAt, finishedAt } = state.terminated;
    return { terminated: definedFields({ exitCode, signal, reason, message, startedAt, finishedAt }) };
  }
  return {};
}

function definedFields<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
