import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { StoreDialect } from '../schema.js';

/**
 * The cluster registry. Ids and names compare and sort byte-wise on both dialects (SQLite's BINARY, PostgreSQL's
 * "C"), whatever the PostgreSQL database's default collation is.
 */
export function clustersMigration(dialect: StoreDialect): Migration {
  const identifier = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('clusters')
        .addColumn('id', identifier, (column) => column.notNull().primaryKey())
        .addColumn('name', identifier, (column) => column.notNull().unique())
        .addColumn('description', 'text')
        .addColumn('api_server', 'text')
        .addColumn('credentials', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('updated_at', 'text', (column) => column.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('clusters').execute();
    },
  };
}
