import { Module } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.js';

/** Pod logs (api.md §4): REST reads and downloads, and the live log stream over WebSocket. */
@Module({
  imports: [ClustersModule],
  controllers: [],
  providers: [],
})
export class LogsModule {}
