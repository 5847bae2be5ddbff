import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../../common/pagination/page.js';
import { CLUSTER_SOURCES, type ClusterSource } from '../cluster-entry.js';
import { CLUSTER_STATUSES, type ClusterStatus } from '../cluster-connection.js';

/** A cluster as the API shows it: never its credentials. */
export class Cluster {
  @ApiProperty({ example: 'prod-eu' })
  id!: string;

  @ApiProperty({ example: 'Production EU' })
  name!: string;

  @ApiProperty({ type: String, nullable: true, example: 'EKS, eu-west-1' })
  description!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'https://10.0.0.1:6443' })
  apiServer!: string | null;

  @ApiProperty({
    enum: CLUSTER_SOURCES,
    description: 'Where the cluster comes from; only `api` clusters can be changed or removed',
  })
  source!: ClusterSource;

  @ApiProperty({
    description:
      "Whether requests made for a caller impersonate the caller, so that the cluster's own RBAC applies to them too: the registered cluster's `impersonate`, or `KUBE_IMPERSONATE` for clusters from kubeconfig, in-cluster configuration and the sandbox",
  })
  impersonate!: boolean;

  @ApiProperty({ enum: CLUSTER_STATUSES, description: 'From the last probe (refreshed in the background)' })
  status!: ClusterStatus;

  @ApiProperty({ type: String, nullable: true, example: 'v1.35.0' })
  version!: string | null;

  @ApiProperty({ type: 'integer', nullable: true, example: 3 })
  nodeCount!: number | null;

  @ApiProperty({ type: 'integer', nullable: true, example: 131 })
  podCount!: number | null;

  @ApiProperty({ example: '2026-01-01T00:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ example: '2026-01-01T00:00:00.000Z' })
  updatedAt!: string;
}

export const ClusterPage = PageOf(Cluster, 'ClusterPage');

export class RegisteredCluster {
  @ApiProperty({ example: 'production-eu' })
  id!: string;

  @ApiProperty({ example: 'Production EU' })
  name!: string;
}

export class ClusterTestResult {
  @ApiProperty()
  connected!: boolean;

  @ApiProperty({ type: String, nullable: true, example: 'v1.35.0' })
  version!: string | null;

  @ApiProperty({ example: 'connected', description: '`connected`, or why the cluster could not be used' })
  message!: string;
}
