import { Inject } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { AccessDecider } from '../auth/access-decider.js';
import { NarrowedToGrants, RequireRole } from '../auth/access.decorators.js';
import { ANONYMOUS } from '../auth/identity.js';
import type { AdmittedUpgrade } from '../auth/ws-access.check.js';
import { ClusterConnections } from '../clusters/cluster-connections.js';
import { podsConfig, type PodsConfig } from '../config/pods.config.js';
import { PodIndexes } from './pod-indexes.js';
import { PodWatchSession } from './pod-watch.session.js';

/** WS /ws/clusters/:clusterId/pods/watch — a live, filtered pod list (api.md §3.7). */
@RequireRole('viewer')
@NarrowedToGrants()
@WebSocketGateway({ path: '/ws/clusters/:clusterId/pods/watch' })
export class PodWatchGateway implements OnGatewayConnection {
  constructor(
    private readonly connections: ClusterConnections,
    private readonly indexes: PodIndexes,
    @Inject(podsConfig.KEY) private readonly config: PodsConfig,
    private readonly access: AccessDecider,
  ) {}

  handleConnection(socket: WebSocket, request: AdmittedUpgrade): void {
    const { params } = request.route;
    const caller = request.identity ?? ANONYMOUS;
    new PodWatchSession(
      socket,
      params,
      { connections: this.connections, indexes: this.indexes, config: this.config },
      () => this.access.visibleNamespaces(caller, params.clusterId),
    ).start();
  }
}
