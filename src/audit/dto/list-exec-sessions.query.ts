import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageQuery } from '../../common/pagination/page-query.js';
import { IsClusterId, IsDnsLabel, IsDnsSubdomain } from '../../common/validation/kube-names.js';
import { IsRfc3339Time } from '../../common/validation/kube-time.js';
import { IsOmittable } from '../../common/validation/presence.js';

/** The filters of the terminal sessions' audit log (api.md §5). */
export class ListExecSessionsQuery extends PageQuery {
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

  @ApiPropertyOptional({
    description: 'Only sessions started at or after this RFC 3339 time',
    format: 'date-time',
    example: '2026-01-01T00:00:00Z',
  })
  @IsOmittable()
  @IsRfc3339Time()
  since?: string;

  @ApiPropertyOptional({
    description: 'Only sessions started before this RFC 3339 time',
    format: 'date-time',
    example: '2026-01-02T00:00:00Z',
  })
  @IsOmittable()
  @IsRfc3339Time()
  until?: string;
}
