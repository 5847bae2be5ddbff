import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageQuery } from '../../common/pagination/page-query.js';
import { IsRfc3339Time } from '../../common/validation/kube-time.js';
import { IsOmittable } from '../../common/validation/presence.js';

/** A page of an audit list, and the time range it covers: `since` inclusive, `until` exclusive, any offset. */
export class TimeRangePageQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'Only those from this RFC 3339 time on (a terminal session: by its start)',
    format: 'date-time',
    example: '2026-01-01T00:00:00Z',
  })
  @IsOmittable()
  @IsRfc3339Time()
  since?: string;

  @ApiPropertyOptional({
    description: 'Only those before this RFC 3339 time (a terminal session: by its start)',
    format: 'date-time',
    example: '2026-01-02T00:00:00Z',
  })
  @IsOmittable()
  @IsRfc3339Time()
  until?: string;
}
