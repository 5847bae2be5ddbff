import { Controller, Get, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../auth/access.decorators.js';
import { Caller } from '../auth/caller.js';
import type { Identity } from '../auth/identity.js';
import { ClientSignal } from '../common/client-signal.decorator.js';
import { ApiEnvelope, ApiErrorEnvelopes } from '../common/envelope/api-envelope.decorator.js';
import { RawResponse } from '../common/envelope/response-message.decorator.js';
import { PodParams } from '../pods/dto/pod.params.js';
import { GetLogsQuery } from './dto/get-logs.query.js';
import { LogsResult } from './dto/logs-result.dto.js';
import { LogsService } from './logs.service.js';

@ApiTags('logs')
@Controller('clusters/:clusterId')
export class LogsController {
  constructor(private readonly logs: LogsService) {}

  /** A container's log as `kubectl logs` prints it, at most LOGS_MAX_BYTES of it (`truncated` when cut there). */
  @Get('namespaces/:namespace/pods/:name/logs')
  @RequireRole('viewer')
  @ApiEnvelope(LogsResult, { errors: [403, 404, 502, 504] })
  getPodLogs(
    @Param() pod: PodParams,
    @Query() query: GetLogsQuery,
    @Caller() caller: Identity,
    @ClientSignal() signal: AbortSignal,
  ): Promise<LogsResult> {
    return this.logs.read(pod, query, caller, signal);
  }

  /** The whole log as a `text/plain` file, `<pod>-<container>.log`, streamed from the cluster without the cap. */
  @Get('namespaces/:namespace/pods/:name/logs/download')
  @RequireRole('viewer')
  @RawResponse()
  @ApiErrorEnvelopes([403, 404, 502, 504])
  @ApiOkResponse({
    description: 'The log, as an attachment (`Content-Disposition: attachment; filename="<pod>-<container>.log"`)',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  downloadPodLogs(
    @Param() pod: PodParams,
    @Query() query: GetLogsQuery,
    @Caller() caller: Identity,
    @ClientSignal() signal: AbortSignal,
  ): Promise<StreamableFile> {
    return this.logs.download(pod, query, caller, signal);
  }
}
