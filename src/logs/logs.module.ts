import { Module } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.js';
import { logsConfig, type LogsConfig } from '../config/logs.config.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { LogStreamGateway } from './log-stream.gateway.js';
import { LogsController } from './logs.controller.js';
import { LogsService } from './logs.service.js';
import { StreamSlots } from './stream-slots.js';

/** Pod logs (api.md §4): REST reads and downloads, and the live log stream over WebSocket. */
@Module({
  imports: [ClustersModule, RateLimitModule],
  controllers: [LogsController],
  providers: [
    LogsService,
    LogStreamGateway,
    {
      provide: StreamSlots,
      useFactory: (config: LogsConfig) => new StreamSlots(config.maxStreams),
      inject: [logsConfig.KEY],
    },
  ],
})
export class LogsModule {}
