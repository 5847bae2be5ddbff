import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQuery } from '../../common/pagination/page-query.js';
import { IsClusterId } from '../../common/validation/kube-names.js';
import { IsRfc3339Time } from '../../common/validation/kube-time.js';
import { IsOmittable } from '../../common/validation/presence.js';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, type AuditAction, type AuditOutcome } from '../audit-event.js';

/** The filters of the audit log (api.md §6). */
export class ListAuditEventsQuery extends PageQuery {
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

  @ApiPropertyOptional({
    description: 'Only entries at or after this RFC 3339 time',
    format: 'date-time',
    example: '2026-01-01T00:00:00Z',
  })
  @IsOmittable()
  @IsRfc3339Time()
  since?: string;

  @ApiPropertyOptional({
    description: 'Only entries before this RFC 3339 time',
    format: 'date-time',
    example: '2026-01-02T00:00:00Z',
  })
  @IsOmittable()
  @IsRfc3339Time()
  until?: string;
}
