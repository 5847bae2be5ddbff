import { Injectable } from '@nestjs/common';
import type { ClusterConnection } from '../clusters/cluster-connection.js';
import { PodIndex } from './pod-index.js';
import { podSummaryJson } from './pod-summary-json.js';

/**
 * One pod index per cluster connection, over its watch-fed cache; built on first use and disposed with the
 * connection (cluster removed or changed).
 */
@Injectable()
export class PodIndexes {
  private readonly indexes = new WeakMap<ClusterConnection, PodIndex>();

  /** The connection's index when its cache is synced (starting cache and index on first use), else undefined. */
  synced(connection: ClusterConnection): PodIndex | undefined {
    const index = this.for(connection);
    return connection.pods.synced ? index : undefined;
  }

  for(connection: ClusterConnection): PodIndex {
    let index = this.indexes.get(connection);
    if (!index) {
      const created = new PodIndex(connection.pods, { render: podSummaryJson });
      connection.closed.addEventListener('abort', () => created.dispose(), { once: true });
      this.indexes.set(connection, created);
      index = created;
    }
    return index;
  }
}
