import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { IsClusterId } from '../../common/validation/kube-names.js';
import { IsOmittable } from '../../common/validation/presence.js';
import { TimeRangePageQuery } from './time-range.query.js';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, type AuditAction, type AuditOutcome } from '../audit-event.js';

/** The filters of the audit log (api.md §6). */
export class ListAuditEventsQuery extends TimeRangePageQuery {
  @ApiPropertyOptional({ description: 'Only entries in this cluster', example: 'prod-eu' })
  @IsOmittable()
  @IsClusterId()
  clusterId?: string;

  @ApiPropertyOptional({ description: 'Only entries of this action', enum: AUDIT_ACTIONS, example: 'pod.delete' })
  @IsOmittable()
  @IsIn(AUDIT_ACTIONS, { message: `must be one of ${AUDIT_ACTIONS.join(', ')}` })
  action?: AuditAction;

  @ApiPropertyOptional({
    description: 'Only entries of this caller, as the log names them: `user:<sub>`, `token:<name>` or `anonymous`',
    example: 'user:alice',
    maxLength: 512,
  })
  @IsOmittable()
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  caller?: string;

  @ApiPropertyOptional({ description: 'Only entries with this outcome', enum: AUDIT_OUTCOMES, example: 'denied' })
  @IsOmittable()
  @IsIn(AUDIT_OUTCOMES, { message: `must be one of ${AUDIT_OUTCOMES.join(', ')}` })
  outcome?: AuditOutcome;
}
