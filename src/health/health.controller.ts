import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/access.decorators.js';
import { ApiEnvelope } from '../common/envelope/api-envelope.decorator.js';
import { RawResponse } from '../common/envelope/response-message.decorator.js';
import { ApiError } from '../common/errors/api-error.js';
import { HealthStatus, ReadinessStatus } from './health.dto.js';
import { MetricsService } from './metrics.service.js';
import { ReadinessService } from './readiness.service.js';

const READINESS_TIMEOUT_MS = 2000;

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly readiness: ReadinessService,
    private readonly metrics: MetricsService,
  ) {}

  /** Alive: the process answers HTTP. */
  @Get('healthz')
  @Public()
  @ApiEnvelope(HealthStatus)
  getHealth(): HealthStatus {
    return { status: 'ok' };
  }

  /** Ready to serve: everything the service cannot work without (the store) answers. */
  @Get('readyz')
  @Public()
  @ApiEnvelope(ReadinessStatus, { errors: [503] })
  async getReadiness(): Promise<ReadinessStatus> {
    const failing = await this.readiness.failing(READINESS_TIMEOUT_MS);
    if (failing.length > 0) throw new ApiError(503, 'Internal', `not ready: ${failing.join(', ')} not answering`);
    return { status: 'ready' };
  }

  @Get('metrics')
  @Public()
  @RawResponse()
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format)' })
  @ApiProduces('text/plain')
  async getMetrics(@Res() response: Response): Promise<void> {
    response.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
