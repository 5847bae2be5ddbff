import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ApiError } from '../common/errors/api-error.js';
import { kubeConfig, type KubeSettings } from '../config/kube.config.js';
import { ClusterConnection } from './cluster-connection.js';
import type { ClusterEntry } from './cluster-entry.js';
import { ClusterRegistry } from './cluster-registry.js';
import { KubeApiFactory } from './kube/kube-api.factory.js';

/**
 * One live connection per cluster, built on first use from the registry entry, rebuilt when the entry changes
 * (its `updatedAt`, which every replica sees through the shared store) and torn down when the cluster is removed.
 */
@Injectable()
export class ClusterConnections implements OnModuleDestroy {
  private readonly connections = new Map<string, ClusterConnection>();

  constructor(
    private readonly registry: ClusterRegistry,
    private readonly factory: KubeApiFactory,
    @Inject(kubeConfig.KEY) private readonly settings: KubeSettings,
  ) {}

  /** The connection of a cluster; 404 `ClusterNotFound` for an unknown id. */
  async get(clusterId: string): Promise<ClusterConnection> {
    try {
      return this.forEntry(await this.registry.get(clusterId));
    } catch (error) {
      // Removed, possibly through another replica: release what this one still holds for it.
      if (error instanceof ApiError && error.reason === 'ClusterNotFound') await this.drop(clusterId);
      throw error;
    }
  }

  /** The connection for an entry already read from the registry. */
  forEntry(entry: ClusterEntry): ClusterConnection {
    const existing = this.connections.get(entry.id);
    if (existing && existing.entry.updatedAt === entry.updatedAt) return existing;
    if (existing) void existing.close();
    const api = this.factory.create(entry.access, {
      clusterId: entry.id,
      requestTimeoutMs: this.settings.requestTimeoutMs,
      connectTimeoutMs: this.settings.connectTimeoutMs,
      maxResponseBytes: this.settings.maxResponseBytes,
      maxWatchLineBytes: this.settings.maxWatchLineBytes,
    });
    const connection = new ClusterConnection(entry, api, {
      healthTtlMs: this.settings.healthTtlMs,
      unreachableHoldMs: this.settings.unreachableHoldMs,
      watchIdleTimeoutMs: this.settings.watchIdleTimeoutMs,
    });
    this.connections.set(entry.id, connection);
    return connection;
  }

  /** Closes a cluster's connection: its cache stops, its streams and terminals end. */
  async drop(clusterId: string): Promise<void> {
    const connection = this.connections.get(clusterId);
    if (!connection) return;
    this.connections.delete(clusterId);
    await connection.close();
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.connections.keys()].map((id) => this.drop(id)));
  }
}
