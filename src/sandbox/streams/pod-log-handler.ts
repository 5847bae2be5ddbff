import { pipeline } from 'node:stream/promises';
import type { KubePod } from '../../common/kube/kube-objects.js';
import type { ResourceRequest } from '../api/resource-handler.js';
import type { SimulatedCluster } from '../cluster/simulated-cluster.js';
import type { ContainerLogStore } from '../containers/container-log-store.js';
import { parseLogRequest } from '../containers/log-request.js';
import type { SimulatedKubelet } from '../kubelet/simulated-kubelet.js';
import { KubeStatusError } from '../kube-status-error.js';
import type { KubeObject } from '../store/object-store.js';

/**
 * `GET …/pods/{name}/log`: the API server's checks (log-request.ts), then the kubelet's bytes, streamed from the
 * log store with backpressure and cancelled when the client goes away.
 */
export class PodLogHandler {
  constructor(
    private readonly cluster: SimulatedCluster,
    private readonly kubelet: SimulatedKubelet,
    private readonly logs: ContainerLogStore,
  ) {}

  async handle({ target, url, res }: ResourceRequest): Promise<void> {
    const pod = this.cluster.find<KubePod & KubeObject>('pods', target.namespace, target.name ?? '');
    if (!pod) throw KubeStatusError.notFound('pods', target.name ?? '');
    const request = parseLogRequest(pod, url.searchParams);
    const headers = { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' };
    if (!request.instance) {
      // A pod on no node: the API server has no kubelet to ask and answers with an empty log.
      res.writeHead(200, { ...headers, 'Content-Length': '0' });
      res.end();
      return;
    }
    this.kubelet.ensureLogs(pod);
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    const stream = this.logs.open(request.instance, request.query, abort.signal);
    res.writeHead(200, headers);
    // A follower sees the headers at once, before the first line exists.
    if (request.query.follow) res.flushHeaders();
    try {
      await pipeline(stream, res);
    } catch (error) {
      // A client that went away ends its stream early: that is not a failure of the request.
      if (!abort.signal.aborted && !res.destroyed) throw error;
    }
  }
}
