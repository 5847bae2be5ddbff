import { Inject } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { RequireRole } from '../auth/access.decorators.js';
import { ClusterConnections } from '../clusters/cluster-connections.js';
import type { UpgradedRequest } from '../common/ws/ws-path.adapter.js';
import { podsConfig, type PodsConfig } from '../config/pods.config.js';
import { PodIndexes } from './pod-indexes.js';
import { PodWatchSession } from './pod-watch.session.js';

/** WS /ws/clusters/:clusterId/pods/watch — a live, filtered pod list (api.md §3.7). */
@RequireRole('viewer')
@WebSocketGateway({ path: '/ws/clusters/:clusterId/pods/watch' })
export class PodWatchGateway implements OnGatewayConnection {
  constructor(
    private readonly connections: ClusterConnections,
    private readonly indexes: PodIndexes,
    @Inject(podsConfig.KEY) private readonly config: PodsConfig,
  ) {}

  handleConnection(socket: WebSocket, request: UpgradedRequest): void {
    new PodWatchSession(socket, request.route.params, {
      connections: this.connections,
      indexes: this.indexes,
      config: this.config,
    }).start();
  }
}
