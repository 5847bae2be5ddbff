import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination/page-query.js';
import { CLUSTER_STATUSES, type ClusterStatus } from '../cluster-connection.js';
import { IsOmittable } from '../../common/validation/presence.js';

export class ListClustersQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Case-insensitive substring of the name, id or API server URL', maxLength: 253 })
  @IsOmittable()
  @IsString()
  @MaxLength(253)
  search?: string;

  @ApiPropertyOptional({ description: 'Only clusters in this state', enum: CLUSTER_STATUSES })
  @IsOmittable()
  @IsIn(CLUSTER_STATUSES)
  status?: ClusterStatus;
}
