import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { StoreDialect } from '../schema.js';

/**
 * The audit log of actions and refusals: deletes, cluster registry changes, terminal sessions, denied requests. The
 * columns that are filtered or ordered on compare byte-wise on both dialects (SQLite's BINARY, PostgreSQL's "C"), so
 * a filter matches exactly and the fixed-width RFC 3339 UTC times sort as time whatever the database's collation.
 */
export function auditEventsMigration(dialect: StoreDialect): Migration {
  const bytewise = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('audit_events')
        .addColumn('id', bytewise, (column) => column.notNull().primaryKey())
        .addColumn('at', bytewise, (column) => column.notNull())
        .addColumn('request_id', 'text', (column) => column.notNull())
        .addColumn('caller', bytewise, (column) => column.notNull())
        .addColumn('action', bytewise, (column) => column.notNull())
        .addColumn('cluster_id', bytewise)
        .addColumn('namespace', 'text')
        .addColumn('name', 'text')
        .addColumn('request', 'text', (column) => column.notNull())
        .addColumn('outcome', bytewise)
        .addColumn('status', 'text')
        .addColumn('reason', 'text')
        .addColumn('detail', 'text')
        .execute();
      // The list is newest first, whole or narrowed to a cluster, an action or a caller, and a time range.
      await db.schema.createIndex('audit_events_at').on('audit_events').columns(['at', 'id']).execute();
      for (const column of ['cluster_id', 'action', 'caller'] as const) {
        await db.schema.createIndex(`audit_events_${column}_at`).on('audit_events').columns([column, 'at']).execute();
      }
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('audit_events').execute();
    },
  };
}
