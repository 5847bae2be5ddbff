import type { Migration, MigrationProvider } from 'kysely/migration';
import type { StoreDialect } from '../schema.js';
import { clustersMigration } from './0001-clusters.js';
import { execSessionsMigration } from './0002-exec-sessions.js';
import { auditEventsMigration } from './0003-audit-events.js';
import { clusterImpersonateMigration } from './0004-cluster-impersonate.js';

/**
 * The store's migrations, in code (so `nest build` ships them and nothing reads a folder at run time). Kysely applies
 * them in the order of their names: append new ones with the next number, never edit or renumber an applied one.
 */
export class StoreMigrations implements MigrationProvider {
  constructor(private readonly dialect: StoreDialect) {}

  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve({
      '0001-clusters': clustersMigration(this.dialect),
      '0002-exec-sessions': execSessionsMigration(this.dialect),
      '0003-audit-events': auditEventsMigration(this.dialect),
      '0004-cluster-impersonate': clusterImpersonateMigration(),
    });
  }
}
