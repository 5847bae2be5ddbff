import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Whether a registered cluster impersonates its callers. Text like every column of the store (`'true'` or `'false'`,
 * nothing else); the clusters registered before it act with their stored credentials, as they did.
 */
export function clusterImpersonateMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('clusters')
        .addColumn('impersonate', 'text', (column) =>
          column
            .notNull()
            .defaultTo('false')
            .check(sql`impersonate in ('true', 'false')`),
        )
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('clusters').dropColumn('impersonate').execute();
    },
  };
}
