import { Inject, Injectable, Logger } from '@nestjs/common';
import { ApiError } from '../common/errors/api-error.js';
import { paginate, type Page } from '../common/pagination/page.js';
import { kubeConfig, type KubeSettings } from '../config/kube.config.js';
import { mergeAccess, resolveAccess } from './cluster-credentials.js';
import type { ClusterConnection, ClusterHealth } from './cluster-connection.js';
import { ClusterConnections } from './cluster-connections.js';
import type { ListedClusterEntry } from './cluster-entry.js';
import { ClusterRegistry } from './cluster-registry.js';
import { ClusterRegistryRepository } from './cluster-registry.repository.js';
import type { Cluster, ClusterTestResult, RegisteredCluster } from './dto/cluster.dto.js';
import type { ListClustersQuery } from './dto/list-clusters.query.js';
import type { RegisterClusterBody } from './dto/register-cluster.body.js';
import type { UpdateClusterBody } from './dto/update-cluster.body.js';

// A cluster never probed yet is given this long to answer before a list shows it as `unknown`.
const FIRST_PROBE_WAIT_MS = 1500;

@Injectable()
export class ClustersService {
  private readonly logger = new Logger(ClustersService.name);

  constructor(
    private readonly registry: ClusterRegistry,
    private readonly connections: ClusterConnections,
    private readonly repository: ClusterRegistryRepository,
    @Inject(kubeConfig.KEY) private readonly settings: KubeSettings,
  ) {}

  /** Only the clusters `canSee` lets through, when given (the caller's grants). */
  async list(query: ListClustersQuery, canSee?: (clusterId: string) => boolean): Promise<Page<Cluster>> {
    const entries = (await this.registry.list()).filter((entry) => !canSee || canSee(entry.id));
    const clusters = await Promise.all(entries.map(async (entry) => toCluster(entry, await this.healthOf(entry))));
    const search = query.search?.toLowerCase();
    const matching = clusters.filter(
      (cluster) =>
        (!query.status || cluster.status === query.status) &&
        (!search ||
          [cluster.id, cluster.name, cluster.apiServer ?? ''].some((field) => field.toLowerCase().includes(search))),
    );
    return paginate(matching, query, (cluster) => cluster);
  }

  async get(clusterId: string): Promise<Cluster> {
    const entry = await this.registry.describe(clusterId);
    return toCluster(entry, await this.healthOf(entry));
  }

  async register(body: RegisterClusterBody): Promise<RegisteredCluster> {
    const access = resolveAccess(body);
    const now = new Date().toISOString();
    const id = await this.registry.newId(body.name);
    await this.repository.create({
      id,
      name: body.name,
      description: body.description ?? null,
      apiServer: access.apiServer,
      credentials: access.credentials,
      impersonate: body.impersonate ?? false,
      createdAt: now,
      updatedAt: now,
    });
    this.logger.log({
      event: 'cluster.registered',
      clusterId: id,
      apiServer: access.apiServer,
      impersonate: body.impersonate ?? false,
    });
    return { id, name: body.name };
  }

  async update(clusterId: string, body: UpdateClusterBody): Promise<Cluster> {
    const entry = await this.writableEntry(clusterId);
    const record = await this.repository.get(clusterId);
    if (!record) throw ApiError.clusterNotFound(clusterId);
    const current =
      'unreadable' in record ? undefined : { apiServer: record.apiServer ?? '', credentials: record.credentials };
    const access = mergeAccess(current, body);
    const updated = await this.repository.update(clusterId, {
      updatedAt: laterThan(entry.updatedAt),
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.impersonate !== undefined ? { impersonate: body.impersonate } : {}),
      ...(access ? { apiServer: access.apiServer, credentials: access.credentials } : {}),
    });
    this.registry.forget(clusterId);
    if (!updated) throw ApiError.clusterNotFound(clusterId);
    await this.connections.drop(clusterId); // rebuilt from the new entry on next use
    this.logger.log({ event: 'cluster.updated', clusterId, fields: Object.keys(body) });
    return this.get(clusterId);
  }

  async remove(clusterId: string): Promise<void> {
    await this.writableEntry(clusterId);
    const removed = await this.repository.remove(clusterId);
    this.registry.forget(clusterId);
    if (!removed) throw ApiError.clusterNotFound(clusterId);
    await this.connections.drop(clusterId);
    this.logger.log({ event: 'cluster.removed', clusterId });
  }

  async test(clusterId: string): Promise<ClusterTestResult> {
    const entry = await this.registry.describe(clusterId);
    if ('unavailable' in entry) return { connected: false, version: null, message: entry.unavailable.message };
    const connection = await this.connections.get(clusterId);
    const health = await connection.probe(this.settings.testTimeoutMs);
    return { connected: health.status === 'connected', version: health.version, message: health.message };
  }

  private async writableEntry(clusterId: string): Promise<ListedClusterEntry> {
    const entry = await this.registry.describe(clusterId);
    if (entry.readOnly) {
      throw ApiError.conflict(
        `cluster "${clusterId}" comes from ${entry.source === 'kubeconfig' ? 'a kubeconfig file' : `the ${entry.source} configuration`} and cannot be changed through the API`,
      );
    }
    return entry;
  }

  private healthOf(entry: ListedClusterEntry): Promise<ClusterHealth> {
    if ('unavailable' in entry) return Promise.resolve(disconnected(entry.unavailable.message));
    let connection: ClusterConnection;
    try {
      connection = this.connections.forEntry(entry);
    } catch (error) {
      // One cluster whose client cannot be built must not break the listing of the others.
      const message = error instanceof ApiError ? error.message : `cluster "${entry.id}" cannot be used`;
      return Promise.resolve(disconnected(message));
    }
    const health = connection.cachedHealth();
    return health.checkedAt === undefined ? connection.health(FIRST_PROBE_WAIT_MS) : Promise.resolve(health);
  }
}

function disconnected(message: string): ClusterHealth {
  return { status: 'disconnected', version: null, nodeCount: null, podCount: null, message };
}

function toCluster(entry: ListedClusterEntry, health: ClusterHealth): Cluster {
  return {
    id: entry.id,
    name: entry.name,
    description: entry.description,
    apiServer: entry.apiServer,
    source: entry.source,
    impersonate: entry.impersonate,
    status: health.status,
    version: health.version,
    nodeCount: health.nodeCount,
    podCount: health.podCount,
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
  };
}

/** Now, or a millisecond after `previous` when the clock has not moved past it: every change gets a new revision. */
function laterThan(previous: string): string {
  const now = Date.now();
  const before = Date.parse(previous);
  return new Date(now > before ? now : before + 1).toISOString();
}
