import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsClusterId, IsDnsLabel, IsDnsSubdomain } from '../../common/validation/kube-names.js';
import { IsOmittable } from '../../common/validation/presence.js';
import { TimeRangePageQuery } from './time-range.query.js';

/** The filters of the terminal sessions' audit log (api.md §5). */
export class ListExecSessionsQuery extends TimeRangePageQuery {
  @ApiPropertyOptional({ description: 'Only sessions in this cluster', example: 'prod-eu' })
  @IsOmittable()
  @IsClusterId()
  clusterId?: string;

  @ApiPropertyOptional({ description: 'Only sessions in this namespace', example: 'shop' })
  @IsOmittable()
  @IsDnsLabel()
  namespace?: string;

  @ApiPropertyOptional({ description: 'Only sessions in pods of this name', example: 'web-0' })
  @IsOmittable()
  @IsDnsSubdomain()
  pod?: string;
}
