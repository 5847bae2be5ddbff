import { ApiProperty } from '@nestjs/swagger';
import type { KubeNamespace } from '../../common/kube/kube-objects.js';
import { PageOf } from '../../common/pagination/page.js';

export class NamespaceSummary {
  @ApiProperty({ example: 'shop' })
  name!: string;

  @ApiProperty({ enum: ['Active', 'Terminating'], example: 'Active' })
  status!: string;

  @ApiProperty({ example: '2026-01-01T00:00:00Z' })
  createdAt!: string;

  @ApiProperty({ type: 'integer', example: 40 })
  podCount!: number;
}

export const NamespaceSummaryPage = PageOf(NamespaceSummary, 'NamespaceSummaryPage');

export function toNamespaceSummary(namespace: KubeNamespace, podCount: number): NamespaceSummary {
  return {
    name: namespace.metadata.name ?? '',
    status:
      namespace.status?.phase === 'Terminating' || namespace.metadata.deletionTimestamp ? 'Terminating' : 'Active',
    createdAt: namespace.metadata.creationTimestamp ?? '',
    podCount,
  };
}
