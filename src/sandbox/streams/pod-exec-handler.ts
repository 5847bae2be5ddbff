import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { KubePod } from '../../common/kube/kube-objects.js';
import type { ResourceRequest } from '../api/resource-handler.js';
import type { SimulatedCluster } from '../cluster/simulated-cluster.js';
import { parseExecRequest, execRefusal } from '../containers/exec-request.js';
import { EXEC_SUBPROTOCOLS, negotiateExecProtocol, type ExecSessions } from '../containers/exec-session.js';
import { V4_PROTOCOL } from '../containers/exec-status.js';
import type { ResourceTarget } from '../http/request-target.js';
import { rejectUpgradeText } from '../http/upgrade-responses.js';
import { KubeStatusError } from '../kube-status-error.js';
import type { KubeObject } from '../store/object-store.js';

/**
 * `pods/exec` over WebSocket (`v5.channel.k8s.io`, `v4.channel.k8s.io`): the API server's checks before the
 * upgrade (pod, container, node: 4xx Status), then the session runs in the simulated container. SPDY upgrades
 * (kubectl's fallback, kubectl < 1.30) get a 400 once the same checks pass: the simulator speaks WebSocket only.
 */
export class PodExecHandler {
  private readonly wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (protocols) => negotiateExecProtocol(protocols, this.protocols) ?? false,
  });

  /** @param protocols the subprotocols this API server speaks, preferred first (`EXEC_SUBPROTOCOLS` or a part). */
  constructor(
    private readonly cluster: SimulatedCluster,
    private readonly sessions: ExecSessions,
    private readonly protocols: readonly string[] = EXEC_SUBPROTOCOLS,
  ) {}

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: ResourceTarget, url: URL): void {
    const pod = this.cluster.find<KubePod & KubeObject>('pods', target.namespace, target.name ?? '');
    if (!pod) throw KubeStatusError.notFound('pods', target.name ?? '');
    const request = parseExecRequest(pod, url.searchParams);
    if (!isWebSocket(req)) {
      throw KubeStatusError.badRequest(
        `unable to upgrade connection: this API server speaks exec over WebSocket only (${this.protocols.join(', ')}), not ${req.headers.upgrade ?? 'a plain request'}`,
      );
    }
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((protocol) => protocol.trim());
    const protocol = negotiateExecProtocol(offered, this.protocols);
    if (!protocol) {
      throw KubeStatusError.badRequest(
        `unable to upgrade connection: none of the offered subprotocols is supported (supported: ${this.protocols.join(', ')})`,
      );
    }
    // v4 goes through to the kubelet, which refuses before upgrading; v5 reports the refusal on channel 3.
    const refusal = protocol === V4_PROTOCOL ? execRefusal(pod, request) : undefined;
    if (refusal) {
      rejectUpgradeText(socket, refusal.code, refusal.message);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.sessions.start(ws, protocol, pod, request));
  }

  /** pods/exec without an upgrade. */
  withoutUpgrade(request: ResourceRequest): void {
    const pod = this.cluster.find<KubePod & KubeObject>('pods', request.target.namespace, request.target.name ?? '');
    if (!pod) throw KubeStatusError.notFound('pods', request.target.name ?? '');
    parseExecRequest(pod, request.url.searchParams);
    throw KubeStatusError.badRequest('Upgrade request required');
  }

  close(): void {
    this.wss.close();
  }
}

function isWebSocket(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}
