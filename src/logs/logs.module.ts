import { Module } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.js';
import { LogsController } from './logs.controller.js';
import { LogsService } from './logs.service.js';

/** Pod logs (api.md §4): REST reads and downloads, and the live log stream over WebSocket. */
@Module({
  imports: [ClustersModule],
  controllers: [LogsController],
  providers: [LogsService],
})
export class LogsModule {}
