import { Inject } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { RequireRole } from '../auth/access.decorators.js';
import { callerOf } from '../auth/caller.js';
import type { AdmittedUpgrade } from '../auth/ws-access.check.js';
import { ExecAudit } from '../audit/exec-audit.js';
import { ClusterConnections } from '../clusters/cluster-connections.js';
import { execConfig, type ExecConfig } from '../config/exec.config.js';
import { RateLimitedUpgrade } from '../rate-limit/rate-limit.decorators.js';
import { TerminalSession } from './terminal.session.js';
import { TerminalSessions } from './terminal-sessions.js';

/** WS /ws/clusters/:clusterId/namespaces/:namespace/pods/:name/exec — an interactive terminal (api.md §5). */
@RequireRole('admin')
@RateLimitedUpgrade('terminals')
@WebSocketGateway({ path: '/ws/clusters/:clusterId/namespaces/:namespace/pods/:name/exec' })
export class ExecGateway implements OnGatewayConnection {
  constructor(
    private readonly connections: ClusterConnections,
    private readonly sessions: TerminalSessions,
    private readonly audit: ExecAudit,
    @Inject(execConfig.KEY) private readonly config: ExecConfig,
  ) {}

  handleConnection(socket: WebSocket, request: AdmittedUpgrade): void {
    const { params, query } = request.route;
    new TerminalSession(
      socket,
      { params, query, requestId: request.requestId, caller: callerOf(request) },
      { connections: this.connections, sessions: this.sessions, audit: this.audit, config: this.config },
    ).start();
  }
}
