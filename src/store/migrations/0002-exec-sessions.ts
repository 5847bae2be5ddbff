import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { StoreDialect } from '../schema.js';

/**
 * The audit log of terminal sessions. The columns that are filtered or ordered on compare byte-wise on both dialects
 * (SQLite's BINARY, PostgreSQL's "C"), so a filter on a namespace matches exactly and the RFC 3339 UTC timestamps,
 * all of one fixed width, sort as time whatever the PostgreSQL database's default collation is.
 */
export function execSessionsMigration(dialect: StoreDialect): Migration {
  const bytewise = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('exec_sessions')
        .addColumn('id', bytewise, (column) => column.notNull().primaryKey())
        .addColumn('request_id', 'text', (column) => column.notNull())
        .addColumn('caller', 'text', (column) => column.notNull())
        .addColumn('cluster_id', bytewise, (column) => column.notNull())
        .addColumn('namespace', bytewise, (column) => column.notNull())
        .addColumn('pod', bytewise, (column) => column.notNull())
        .addColumn('container', 'text', (column) => column.notNull())
        .addColumn('argv', 'text', (column) => column.notNull())
        .addColumn('started_at', bytewise, (column) => column.notNull())
        .addColumn('ended_at', bytewise)
        .addColumn('outcome', 'text')
        .addColumn('exit_code', 'text')
        .addColumn('bytes_in', 'text')
        .addColumn('bytes_out', 'text')
        .addColumn('detail', 'text')
        .addColumn('recording', 'text')
        .addColumn('recording_error', 'text')
        .execute();
      // The list is newest first, whole or narrowed to a cluster (and namespace, pod) and a time range.
      await db.schema.createIndex('exec_sessions_started').on('exec_sessions').columns(['started_at', 'id']).execute();
      await db.schema
        .createIndex('exec_sessions_target_started')
        .on('exec_sessions')
        .columns(['cluster_id', 'namespace', 'pod', 'started_at'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('exec_sessions').execute();
    },
  };
}
