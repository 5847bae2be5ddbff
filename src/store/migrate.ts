import { sql, type Kysely } from 'kysely';
import { Migrator, type MigrationProvider } from 'kysely/migration';
import { StoreMigrations } from './migrations/index.js';
import type { Database, StoreDialect } from './schema.js';

/** The PostgreSQL advisory lock that serialises replicas migrating at the same time (hashed by the server). */
const MIGRATION_LOCK = 'pod-api store migrations';

/** A migration that failed. The run is one transaction on both dialects: the schema is left as it was before it. */
export class StoreMigrationError extends Error {
  constructor(migration: string | undefined, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(migration ? `store migration "${migration}" failed: ${detail}` : `store migrations failed: ${detail}`, {
      cause,
    });
    this.name = 'StoreMigrationError';
  }
}

/**
 * Brings the schema up to date and returns the names of the migrations it applied (none when it already was).
 *
 * Safe when several processes start at once: on PostgreSQL the whole run, including Kysely's creation of its own
 * bookkeeping tables, holds a session advisory lock, so a second replica waits and then finds nothing to do (Kysely
 * runs the pending migrations in one transaction there). On SQLite the run is one `BEGIN IMMEDIATE` transaction: it
 * takes the write lock up front (another process waits up to `busy_timeout`), and a failing migration leaves nothing
 * behind — Kysely itself runs SQLite migrations outside any transaction.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: StoreDialect,
  migrations: MigrationProvider = new StoreMigrations(dialect),
): Promise<string[]> {
  return db.connection().execute(async (connection) => {
    if (dialect === 'postgres') {
      await sql`select pg_advisory_lock(hashtextextended(${MIGRATION_LOCK}, 0))`.execute(connection);
      try {
        return await runMigrator(connection, migrations);
      } finally {
        await sql`select pg_advisory_unlock(hashtextextended(${MIGRATION_LOCK}, 0))`.execute(connection);
      }
    }
    await sql`begin immediate`.execute(connection);
    try {
      const applied = await runMigrator(connection, migrations);
      await sql`commit`.execute(connection);
      return applied;
    } catch (error) {
      await sql`rollback`.execute(connection);
      throw error;
    }
  });
}

async function runMigrator(db: Kysely<Database>, provider: MigrationProvider): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    throw new StoreMigrationError(results.find((result) => result.status === 'Error')?.migrationName, error);
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
