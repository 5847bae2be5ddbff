import { ApiProperty } from '@nestjs/swagger';
import type { KubePod } from '../../common/kube/kube-objects.js';
import { PageOf } from '../../common/pagination/page.js';
import { describePodRow, type PodRow } from '../pod-status.js';

export class ContainerSummary {
  @ApiProperty({ example: 'nginx' })
  name!: string;

  @ApiProperty({ example: 'nginx:1.21' })
  image!: string;

  @ApiProperty()
  ready!: boolean;

  @ApiProperty({ type: 'integer', example: 0 })
  restartCount!: number;
}

/** A pod in a list (api.md §3.1). Absent values are null, never omitted. */
export class PodSummary {
  @ApiProperty({ example: 'nginx-abc123' })
  name!: string;

  @ApiProperty({ example: 'default' })
  namespace!: string;

  @ApiProperty({ example: '4b1c7f0e-2d7a-4a8e-9f3e-1d2c3b4a5f6e' })
  uid!: string;

  @ApiProperty({
    description: 'Display status exactly as `kubectl get pods` prints it in its STATUS column',
    example: 'Running',
  })
  status!: string;

  @ApiProperty({ type: String, nullable: true, description: '`status.phase` unchanged', example: 'Running' })
  phase!: string | null;

  @ApiProperty({ description: 'READY as kubectl prints it', example: '1/1' })
  ready!: string;

  @ApiProperty({ type: String, nullable: true, example: 'node-1' })
  nodeName!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '10.0.0.5' })
  podIP!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '192.168.1.10' })
  hostIP!: string | null;

  @ApiProperty({ type: 'integer', description: 'RESTARTS as kubectl counts it', example: 0 })
  restarts!: number;

  @ApiProperty({ type: [ContainerSummary] })
  containers!: ContainerSummary[];

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { app: 'nginx' } })
  labels!: Record<string, string>;

  @ApiProperty({ example: '2026-01-01T00:00:00Z' })
  createdAt!: string;
}

export const PodSummaryPage = PageOf(PodSummary, 'PodSummaryPage');

/** kubectl's columns of a pod, as the index keeps them. */
export interface PodColumns {
  status: string;
  ready: string;
  restarts: number;
}

/** The list item of a pod; `columns` when kubectl's columns were already computed (the index keeps them). */
export function toPodSummary(pod: KubePod, columns: PodColumns = columnsOf(describePodRow(pod))): PodSummary {
  const statuses = new Map((pod.status?.containerStatuses ?? []).map((status) => [status.name, status]));
  return {
    name: pod.metadata.name ?? '',
    namespace: pod.metadata.namespace ?? '',
    uid: pod.metadata.uid ?? '',
    status: columns.status,
    phase: pod.status?.phase ?? null,
    ready: columns.ready,
    nodeName: pod.spec.nodeName || null,
    podIP: pod.status?.podIP || null,
    hostIP: pod.status?.hostIP || null,
    restarts: columns.restarts,
    containers: pod.spec.containers.map((container) => {
      const status = statuses.get(container.name);
      return {
        name: container.name,
        image: container.image ?? status?.image ?? '',
        ready: status?.ready ?? false,
        restartCount: status?.restartCount ?? 0,
      };
    }),
    labels: pod.metadata.labels ?? {},
    createdAt: pod.metadata.creationTimestamp ?? '',
  };
}

function columnsOf(row: PodRow): PodColumns {
  return { status: row.status, ready: row.ready, restarts: row.restarts.count };
}
