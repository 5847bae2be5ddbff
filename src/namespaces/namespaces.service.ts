import { Injectable } from '@nestjs/common';
import { ClusterConnections } from '../clusters/cluster-connections.js';
import { paginate, type Page } from '../common/pagination/page.js';
import { PodsService } from '../pods/pods.service.js';
import type { ListNamespacesQuery } from './dto/list-namespaces.query.js';
import { toNamespaceSummary, type NamespaceSummary } from './dto/namespace-summary.dto.js';

@Injectable()
export class NamespacesService {
  constructor(
    private readonly connections: ClusterConnections,
    private readonly pods: PodsService,
  ) {}

  /** The cluster's namespaces by name, each with its pod count (from the pod cache's index when synced). */
  /** Only the namespaces `canSee` lets through, when given (the caller's grants). */
  async list(
    clusterId: string,
    query: ListNamespacesQuery,
    canSee?: (namespace: string) => boolean,
  ): Promise<Page<NamespaceSummary>> {
    const connection = await this.connections.get(clusterId);
    // Read with the service's credentials, as the pod lists are: a list over the cluster is narrowed to the caller's
    // grants here, whoever asks, and a caller the cluster lets list no namespaces would otherwise see none of theirs.
    const [namespaces, facets] = await Promise.all([
      connection.call((api) => api.listNamespaces({}), { caller: 'service' }),
      this.pods.facets(clusterId, {}, canSee),
    ]);
    const search = query.search?.toLowerCase();
    const matching = namespaces.items
      .filter((namespace) => !canSee || canSee(namespace.metadata.name ?? ''))
      .filter((namespace) => !search || (namespace.metadata.name ?? '').toLowerCase().includes(search))
      .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
    return paginate(matching, query, (namespace) =>
      toNamespaceSummary(namespace, facets.namespace[namespace.metadata.name ?? ''] ?? 0),
    );
  }
}
