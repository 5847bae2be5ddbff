import { ApiProperty } from '@nestjs/swagger';
import { IsClusterId } from '../../common/validation/kube-names.js';

export class ClusterParams {
  @ApiProperty({ description: 'Cluster id', example: 'prod-eu', pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$' })
  @IsClusterId()
  clusterId!: string;
}
