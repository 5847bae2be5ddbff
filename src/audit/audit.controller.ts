import { Controller, Get, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../auth/access.decorators.js';
import { ApiEnvelope, ApiErrorEnvelopes } from '../common/envelope/api-envelope.decorator.js';
import { RawResponse } from '../common/envelope/response-message.decorator.js';
import type { Page } from '../common/pagination/page.js';
import { AuditEventsService } from './audit-events.service.js';
import { AuditEvent, AuditEventPage } from './dto/audit-event.dto.js';
import { ExecSession, ExecSessionPage } from './dto/exec-session.dto.js';
import { ExecSessionParams } from './dto/exec-session.params.js';
import { ListAuditEventsQuery } from './dto/list-audit-events.query.js';
import { ListExecSessionsQuery } from './dto/list-exec-sessions.query.js';
import { ExecSessionsService } from './exec-sessions.service.js';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(
    private readonly events: AuditEventsService,
    private readonly sessions: ExecSessionsService,
  ) {}

  /** Deletes, cluster registry changes, terminals and refused requests, newest first: who, what, where, how it ended. */
  @Get()
  @RequireRole('admin')
  @ApiEnvelope(AuditEventPage, { errors: [403] })
  listAuditEvents(@Query() query: ListAuditEventsQuery): Promise<Page<AuditEvent>> {
    return this.events.list(query);
  }

  /** Terminal sessions, newest first: who ran what where, when, for how long, how it ended, bytes each way. */
  @Get('sessions')
  @RequireRole('admin')
  @ApiEnvelope(ExecSessionPage, { errors: [403] })
  listExecSessions(@Query() query: ListExecSessionsQuery): Promise<Page<ExecSession>> {
    return this.sessions.list(query);
  }

  /** A terminal session's recording (EXEC_RECORDING=on), asciicast v2, streamed; a running session's so far. */
  @Get('sessions/:id/recording')
  @RequireRole('admin')
  @RawResponse()
  @ApiErrorEnvelopes([403, 404])
  @ApiOkResponse({
    description:
      'asciicast v2: a header line, then one `[seconds, "o" | "i" | "r", data]` line per event, as an attachment (`<id>.cast`)',
    content: { 'application/x-asciicast': { schema: { type: 'string' } } },
  })
  getExecSessionRecording(@Param() { id }: ExecSessionParams): Promise<StreamableFile> {
    return this.sessions.recording(id);
  }
}
