import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { MetricsService } from './metrics.service.js';
import { ReadinessService } from './readiness.service.js';

/** Probes and metrics; global so any capability can register a readiness probe or its own metrics. */
@Global()
@Module({
  controllers: [HealthController],
  providers: [ReadinessService, MetricsService],
  exports: [ReadinessService, MetricsService],
})
export class HealthModule {}
