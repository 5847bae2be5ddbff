import { Module } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.js';
import { PodIndexes } from './pod-indexes.js';
import { PodWatchGateway } from './pod-watch.gateway.js';
import { PodsController } from './pods.controller.js';
import { PodsService } from './pods.service.js';

@Module({
  imports: [ClustersModule],
  controllers: [PodsController],
  providers: [PodsService, PodIndexes, PodWatchGateway],
  exports: [PodsService, PodIndexes],
})
export class PodsModule {}
