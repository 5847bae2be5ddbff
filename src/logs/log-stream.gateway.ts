import { Inject } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { RequireRole } from '../auth/access.decorators.js';
import { callerOf } from '../auth/caller.js';
import type { AdmittedUpgrade } from '../auth/ws-access.check.js';
import { ClusterConnections } from '../clusters/cluster-connections.js';
import { logsConfig, type LogsConfig } from '../config/logs.config.js';
import { podsConfig, type PodsConfig } from '../config/pods.config.js';
import { rateLimitCaller } from '../rate-limit/rate-limit-caller.js';
import { RateLimiter } from '../rate-limit/rate-limiter.js';
import { LogStreamSession } from './log-stream.session.js';
import { StreamSlots } from './stream-slots.js';

/** WS /ws/clusters/:clusterId/namespaces/:namespace/pods/:name/logs — a pod's live log (api.md §4.2). */
@RequireRole('viewer')
@WebSocketGateway({ path: '/ws/clusters/:clusterId/namespaces/:namespace/pods/:name/logs' })
export class LogStreamGateway implements OnGatewayConnection {
  constructor(
    private readonly connections: ClusterConnections,
    private readonly slots: StreamSlots,
    private readonly limiter: RateLimiter,
    @Inject(logsConfig.KEY) private readonly config: LogsConfig,
    @Inject(podsConfig.KEY) private readonly pods: PodsConfig,
  ) {}

  handleConnection(socket: WebSocket, request: AdmittedUpgrade): void {
    const caller = rateLimitCaller(request.identity, request.socket.remoteAddress);
    new LogStreamSession(socket, request.socket, request.route.params, callerOf(request), {
      connections: this.connections,
      slots: this.slots,
      newStream: () => this.limiter.spend('logStreams', caller),
      config: this.config,
      podCacheSyncTimeoutMs: this.pods.watchSyncTimeoutMs,
    }).start();
  }
}
