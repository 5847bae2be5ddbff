import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Identity } from '../auth/identity.js';
import type { ClusterConnection } from '../clusters/cluster-connection.js';
import { ClusterConnections } from '../clusters/cluster-connections.js';
import type { KubeApi } from '../clusters/kube/kube-api.js';
import { JsonText } from '../common/envelope/json-text.js';
import type { ApiError } from '../common/errors/api-error.js';
import type { KubePod } from '../common/kube/kube-objects.js';
import { kubeConfig, type KubeSettings } from '../config/kube.config.js';
import type { Page } from '../common/pagination/page.js';
import { toDeleteOptions } from './delete-options.js';
import type { DeletePodQuery } from './dto/delete-pod.query.js';
import type { ListPodsQuery, PodFilterQuery } from './dto/list-pods.query.js';
import { toPodDetail, type PodDetail } from './dto/pod-detail.dto.js';
import type { PodEvent } from './dto/pod-event.dto.js';
import type { PodFacets } from './dto/pod-facets.dto.js';
import type { PodSummary } from './dto/pod-summary.dto.js';
import type { PodParams } from './dto/pod.params.js';
import { podEvents } from './pod-events.js';
import { podPageJson } from './pod-summary-json.js';
import type { PodIndex } from './pod-index.js';
import { PodIndexes } from './pod-indexes.js';
import { facetPodArray, parsePodFilter, queryPodArray, toPodSort, type PodFilter } from './pod-query.js';

// Pods per LIST page when answering from the API server before the cache has synced.
const LIST_CHUNK = 500;

@Injectable()
export class PodsService {
  private readonly logger = new Logger(PodsService.name);

  constructor(
    private readonly connections: ClusterConnections,
    private readonly indexes: PodIndexes,
    @Inject(kubeConfig.KEY) private readonly settings: KubeSettings,
  ) {}

  /** A page of pods: from the cluster's synced cache, or from the API server before it has synced (same result). */
  async list(
    clusterId: string,
    query: ListPodsQuery,
    canSeeNamespace?: (namespace: string) => boolean,
  ): Promise<JsonText<Page<PodSummary>>> {
    const connection = await this.connections.get(clusterId);
    const filter = narrowed(parsePodFilter(query), canSeeNamespace);
    const sort = toPodSort(query.sortBy, query.sortOrder);
    const page = { page: query.page, pageSize: query.pageSize };
    const index = await this.readyIndex(connection, query);
    if (index) {
      return index.renderedPage(filter, sort, page, (result) =>
        JsonText.encoded<Page<PodSummary>>(podPageJson(result.items, result.total, page, index)),
      );
    }
    const result = queryPodArray(await this.listFromApi(connection, query), filter, sort, page);
    return new JsonText(podPageJson(result.items, result.total, page));
  }

  /** Counts per status, namespace and node, each under every other filter (api.md §3.6). */
  async facets(
    clusterId: string,
    query: PodFilterQuery,
    canSeeNamespace?: (namespace: string) => boolean,
  ): Promise<PodFacets> {
    const connection = await this.connections.get(clusterId);
    const filter = narrowed(parsePodFilter(query), canSeeNamespace);
    const index = await this.readyIndex(connection, query);
    return index ? index.facets(filter) : facetPodArray(await this.listFromApi(connection, query), filter);
  }

  async get(target: PodParams, caller: Identity): Promise<PodDetail> {
    const connection = await this.connections.get(target.clusterId);
    return toPodDetail(await connection.call((api) => api.readPod(target.namespace, target.name), { caller }));
  }

  async remove(target: PodParams, query: DeletePodQuery, caller: Identity): Promise<void> {
    const connection = await this.connections.get(target.clusterId);
    const options = toDeleteOptions(query);
    await connection.call((api) => api.deletePod(target.namespace, target.name, options), { caller });
    this.logger.log({
      event: 'pod.deleted',
      clusterId: target.clusterId,
      namespace: target.namespace,
      pod: target.name,
      gracePeriodSeconds: options.gracePeriodSeconds ?? null,
    });
  }

  /** The events of this pod instance, as `kubectl describe pod` lists them. */
  async events(target: PodParams, caller: Identity): Promise<PodEvent[]> {
    const connection = await this.connections.get(target.clusterId);
    return connection.call(
      async (api) => {
        const pod = await api.readPod(target.namespace, target.name);
        const uid = pod.metadata.uid ?? '';
        const fieldSelector = `involvedObject.kind=Pod,involvedObject.name=${target.name},involvedObject.namespace=${target.namespace},involvedObject.uid=${uid}`;
        const events = await api.listCoreEvents(target.namespace, { fieldSelector });
        return podEvents(events.items, uid);
      },
      { caller },
    );
  }

  /**
   * The cluster's index once its cache has synced. Before that, a namespace's pods are read from the API server at
   * once; a cluster-wide read waits for the cache's first LIST instead of making a second one of every pod (on a
   * large cluster both take as long, and two double the load on the API server and on memory). When the cache
   * cannot list, reads go to the API server, which answers or fails for itself.
   */
  private async readyIndex(connection: ClusterConnection, query: PodFilterQuery): Promise<PodIndex | undefined> {
    const index = this.indexes.synced(connection);
    if (index || query.namespace || connection.pods.failure) return index;
    if (await connection.pods.waitForSync(this.settings.requestTimeoutMs)) return this.indexes.synced(connection);
    const failure = connection.pods.failure as ApiError | undefined; // set while waiting (TypeScript narrowed it above)
    if (failure?.origin === 'transport') throw failure; // the cluster cannot be reached: asking again would only wait again
    return undefined;
  }

  /**
   * Every pod the filters could match, from the API server, with the selectors applied server-side too. With the
   * service's credentials, as the pod cache that answers once synced reads them: a list is the same whichever answers.
   */
  private listFromApi(connection: ClusterConnection, query: PodFilterQuery): Promise<KubePod[]> {
    return connection.call(
      (api) =>
        listAll(api, {
          namespace: query.namespace,
          labelSelector: query.labelSelector,
          fieldSelector: query.fieldSelector,
        }),
      { caller: 'service' },
    );
  }
}

async function listAll(
  api: KubeApi,
  options: { namespace?: string; labelSelector?: string; fieldSelector?: string },
): Promise<KubePod[]> {
  const pods: KubePod[] = [];
  let continueToken: string | undefined;
  do {
    const page = await api.listPods({ ...options, limit: LIST_CHUNK, continueToken });
    pods.push(...page.items);
    continueToken = page.metadata.continue || undefined;
  } while (continueToken);
  return pods;
}

export type { PodFilter };

/** The filter narrowed to the namespaces the caller may see (api.md §6), through the index like any filter. */
function narrowed(filter: PodFilter, canSeeNamespace: ((namespace: string) => boolean) | undefined): PodFilter {
  return canSeeNamespace ? { ...filter, canSeeNamespace } : filter;
}
