import { ApiProperty } from '@nestjs/swagger';
import { IsDnsLabel, IsDnsSubdomain } from '../../common/validation/kube-names.js';
import { ClusterParams } from '../../clusters/dto/cluster.params.js';

export class NamespaceParams extends ClusterParams {
  @ApiProperty({ description: 'Namespace (RFC 1123 label)', example: 'default' })
  @IsDnsLabel()
  namespace!: string;
}

export class PodParams extends NamespaceParams {
  @ApiProperty({ description: 'Pod name (RFC 1123 subdomain)', example: 'nginx-abc123' })
  @IsDnsSubdomain()
  name!: string;
}
