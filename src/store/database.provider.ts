import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Logger, type FactoryProvider } from '@nestjs/common';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Pool } from 'pg';
import { databaseConfig, type DatabaseConfig } from '../config/database.config.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';

/** Injection token of the store's `Kysely<Database>`: `@Inject(DATABASE) private readonly db: Kysely<Database>`. */
export const DATABASE = Symbol('DATABASE');

/** Where `DATABASE_URL` points. */
export type DatabaseTarget = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

export const SQLITE_MEMORY = ':memory:';

/** `sqlite:<path>` (relative to the working directory), `sqlite::memory:`, `postgres://…` or `postgresql://…`. */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (/^postgres(ql)?:\/\/./.test(url)) return { dialect: 'postgres', url };
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : '';
  // The message names the setting and its rule only: a PostgreSQL URL may hold a password.
  if (path === '') throw new Error('DATABASE_URL: must be sqlite:<path>, sqlite::memory: or postgres://…');
  return { dialect: 'sqlite', path };
}

/** A Kysely instance on the target, not yet migrated (`migrateToLatest()`); `destroy()` closes it. */
export function openDatabase(target: DatabaseTarget): Kysely<Database> {
  return new Kysely<Database>({
    dialect: target.dialect === 'postgres' ? postgresDialect(target.url) : sqliteDialect(target.path),
  });
}

function sqliteDialect(path: string): SqliteDialect {
  if (path !== SQLITE_MEMORY) {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    createPrivateFile(path);
  }
  const database = new SqliteDatabase(path);
  if (path !== SQLITE_MEMORY) {
    // WAL lets readers (another process, a backup) run beside the writer; NORMAL sync is durable enough under WAL
    // (a power cut may lose the last commits, never corrupt the file).
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
  }
  // Wait for another connection's write lock instead of failing at once with SQLITE_BUSY.
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  return new SqliteDialect({ database });
}

/**
 * Creates the database file for its owner only (0600) unless it exists: it holds the encrypted cluster credentials,
 * and SQLite would create it 0644. SQLite gives its -wal and -shm files the database file's mode. An existing file
 * keeps the mode its operator gave it.
 */
function createPrivateFile(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw error;
  }
  closeSync(fd);
  chmodSync(path, 0o600); // the umask may have taken the owner's bits away from the mode asked for
}

function postgresDialect(url: string): PostgresDialect {
  const pool = new Pool({
    connectionString: url,
    max: 10,
    // An unreachable server fails a query (and /readyz) within seconds instead of hanging it.
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    application_name: 'pod-api',
  });
  // pg emits 'error' when an idle pooled connection dies (server restart, failover); unhandled, it ends the process.
  // The pool drops that connection and opens a new one on the next query.
  const logger = new Logger('Store');
  pool.on('error', (error) => logger.warn({ event: 'store.connection.lost', detail: error.message }));
  return new PostgresDialect({ pool });
}

/** What the start-up log says about the store: never the URL, which may hold a password. */
function describeTarget(target: DatabaseTarget): Record<string, string> {
  if (target.dialect === 'sqlite') return { dialect: 'sqlite', file: target.path };
  const url = new URL(target.url);
  return { dialect: 'postgres', host: url.host, database: decodeURIComponent(url.pathname.slice(1)) };
}

/** Opens the store named by `DATABASE_URL` and migrates it before anything can inject it. */
export const databaseProvider: FactoryProvider<Promise<Kysely<Database>>> = {
  provide: DATABASE,
  inject: [databaseConfig.KEY],
  useFactory: async (config: DatabaseConfig): Promise<Kysely<Database>> => {
    const target = parseDatabaseUrl(config.url);
    const db = openDatabase(target);
    try {
      const migrationsApplied = await migrateToLatest(db, target.dialect);
      new Logger('Store').log({ event: 'store.opened', ...describeTarget(target), migrationsApplied });
      return db;
    } catch (error) {
      await db.destroy();
      throw error;
    }
  },
};
