import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../../common/pagination/page.js';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, type AuditAction, type AuditOutcome } from '../audit-event.js';

/** One entry of the audit log: an action (its end fields null while it runs, or when its end never came) or a refusal. */
export class AuditEvent {
  @ApiProperty({
    format: 'uuid',
    description: "For `exec.session`, also the terminal session's id in `GET /api/audit/sessions`",
    example: '0b8f6a52-5d0e-4f5c-9a57-1c1f0e9f3b1d',
  })
  id!: string;

  @ApiProperty({
    format: 'date-time',
    description: 'When the action began, or was refused',
    example: '2026-01-01T00:00:00.000Z',
  })
  time!: string;

  @ApiProperty({ description: 'The id of the request (its X-Request-Id)' })
  requestId!: string;

  @ApiProperty({
    description: 'Who: `user:<sub>`, `token:<name>`, or `anonymous` without authentication',
    example: 'user:alice',
  })
  caller!: string;

  @ApiProperty({
    enum: AUDIT_ACTIONS,
    description:
      '`pod.delete`, `cluster.register`, `cluster.update`, `cluster.unregister`, `exec.session` (a terminal), `access.denied` (a request refused for want of a role)',
  })
  action!: AuditAction;

  @ApiProperty({ type: String, nullable: true, example: 'prod-eu' })
  clusterId!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'shop' })
  namespace!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The pod', example: 'web-0' })
  name!: string | null;

  @ApiProperty({
    description: 'The method and path asked (`WS` for a WebSocket upgrade), without the query string',
    example: 'DELETE /api/clusters/prod-eu/namespaces/shop/pods/web-0',
  })
  request!: string;

  @ApiProperty({ enum: AUDIT_OUTCOMES, nullable: true, description: 'Null while the action runs' })
  outcome!: AuditOutcome | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 403,
    description: 'The HTTP status of a failure or refusal',
  })
  status!: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Forbidden',
    description: 'The error reason of a failure or refusal',
  })
  reason!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'What went wrong, or how a terminal ended' })
  detail!: string | null;
}

export const AuditEventPage = PageOf(AuditEvent, 'AuditEventPage');
