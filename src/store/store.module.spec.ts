import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger, type DynamicModule } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { sql, type Kysely } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';
import { testDatabaseTargets, type TestDatabase } from '../../test/helpers/postgres.js';
import { databaseConfig } from '../config/database.config.js';
import { ReadinessService } from '../health/readiness.service.js';
import { DATABASE, openDatabase, parseDatabaseUrl } from './database.provider.js';
import { migrateToLatest, StoreMigrationError } from './migrate.js';
import type { Database } from './schema.js';
import { StoreModule } from './store.module.js';

/** What StoreModule needs from the application: the database settings and the readiness registry. */
function applicationStub(url: string): DynamicModule {
  return {
    module: class ApplicationStub {},
    global: true,
    providers: [ReadinessService, { provide: databaseConfig.KEY, useValue: { url, encryptionKey: undefined } }],
    exports: [ReadinessService, databaseConfig.KEY],
  };
}

async function startStore(url: string): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({ imports: [applicationStub(url), StoreModule] }).compile();
  return moduleRef.init();
}

async function tableNames(db: Kysely<Database>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  return tables.map((table) => table.name).sort();
}

/** A row in the clusters table, its credentials a placeholder: what the store keeps, not what it means. */
async function insertCluster(db: Kysely<Database>, id: string): Promise<void> {
  await db
    .insertInto('clusters')
    .values({
      id,
      name: id,
      description: null,
      api_server: null,
      credentials: 'v1.x',
      created_at: 'a',
      updated_at: 'a',
    })
    .execute();
}

async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((row) => row.name);
}

/** The real migrations followed by one that creates a table and then fails. */
/** Every migration the store ships, in the order they apply. */
const MIGRATIONS = ['0001-clusters', '0002-exec-sessions', '0003-audit-events', '0004-cluster-impersonate'];

function withBrokenMigration(dialect: 'sqlite' | 'postgres'): MigrationProvider {
  const broken: Migration = {
    async up(db) {
      await db.schema.createTable('half_done').addColumn('id', 'text').execute();
      await sql`select * from no_such_table`.execute(db);
    },
  };
  return {
    getMigrations: async () => ({
      ...(await new (await import('./migrations/index.js')).StoreMigrations(dialect).getMigrations()),
      '0999-broken': broken,
    }),
  };
}

beforeAll(() => Logger.overrideLogger(false));

describe(parseDatabaseUrl.name, () => {
  it.each([
    { url: 'sqlite:./data/pod-api.db', target: { dialect: 'sqlite', path: './data/pod-api.db' } },
    { url: 'sqlite:/var/lib/pod-api/store.db', target: { dialect: 'sqlite', path: '/var/lib/pod-api/store.db' } },
    { url: 'sqlite::memory:', target: { dialect: 'sqlite', path: ':memory:' } },
    { url: 'postgres://u:p@db:5432/pods', target: { dialect: 'postgres', url: 'postgres://u:p@db:5432/pods' } },
    {
      url: 'postgresql://db/pods?sslmode=require',
      target: { dialect: 'postgres', url: 'postgresql://db/pods?sslmode=require' },
    },
  ])('$url', ({ url, target }) => {
    expect(parseDatabaseUrl(url)).toEqual(target);
  });

  it.each(['sqlite:', 'mysql://db/pods', 'postgres://', 'file:./x.db'])('refuses %s, naming the setting', (url) => {
    expect(() => parseDatabaseUrl(url)).toThrow('DATABASE_URL: must be sqlite:<path>, sqlite::memory: or postgres://…');
  });
});

describe.each(testDatabaseTargets())('store on $dialect', (target) => {
  let database: TestDatabase;
  const opened: Kysely<Database>[] = [];
  const open = (url = database.url) => {
    const db = openDatabase(parseDatabaseUrl(url));
    opened.push(db);
    return db;
  };

  beforeEach(async () => {
    database = await target.create();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.destroy()));
    await database.drop();
  });

  it('migrates once: a second run finds nothing to do', async () => {
    const db = open();
    await expect(migrateToLatest(db, target.dialect)).resolves.toEqual(MIGRATIONS);
    await expect(migrateToLatest(db, target.dialect)).resolves.toEqual([]);
    expect(await tableNames(db)).toEqual([
      'audit_events',
      'clusters',
      'exec_sessions',
      'kysely_migration',
      'kysely_migration_lock',
    ]);
    expect(await appliedMigrations(db)).toEqual(MIGRATIONS);
  });

  it('leaves the schema as it was when a migration fails', async () => {
    const db = open();
    const error = await migrateToLatest(db, target.dialect, withBrokenMigration(target.dialect)).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(StoreMigrationError);
    expect((error as Error).message).toMatch(/^store migration "0999-broken" failed: .*no_such_table/);
    expect(await tableNames(db)).not.toContain('half_done');
    expect(await tableNames(db)).not.toContain('clusters');
    expect(await tableNames(db)).not.toContain('exec_sessions');
    // Nothing half-recorded either: the real migrations still apply afterwards.
    await expect(migrateToLatest(db, target.dialect)).resolves.toEqual(MIGRATIONS);
  });

  if (target.dialect === 'postgres') {
    it('lets replicas starting at once migrate the same database: one applies, the others wait and skip', async () => {
      const replicas = Array.from({ length: 6 }, () => open());
      const results = await Promise.all(replicas.map((db) => migrateToLatest(db, 'postgres')));
      expect(results.filter((applied) => applied.length > 0)).toEqual([MIGRATIONS]);
      expect(await appliedMigrations(replicas[0])).toEqual(MIGRATIONS);
    });
  }

  it('provides a migrated database, reports ready, and not ready once the database is gone', async () => {
    const moduleRef = await startStore(database.url);
    const readiness = moduleRef.get(ReadinessService);
    const db = moduleRef.get<Kysely<Database>>(DATABASE);
    try {
      await expect(db.selectFrom('clusters').selectAll().execute()).resolves.toEqual([]);
      await expect(readiness.failing(2000)).resolves.toEqual([]);
      if (target.dialect === 'postgres')
        await database.drop(); // closes the pool's connections too
      else await db.destroy(); // an SQLite store is gone when its connection is
      await expect(readiness.failing(2000)).resolves.toEqual(['store']);
    } finally {
      await moduleRef.close().catch(() => undefined); // the SQLite case destroyed the connection already
    }
  });

  it('closes the connection when the application shuts down', async () => {
    const moduleRef = await startStore(database.url);
    const db = moduleRef.get<Kysely<Database>>(DATABASE);
    await moduleRef.close();
    await expect(sql`select 1`.execute(db)).rejects.toThrow('driver has already been destroyed');
  });
});

describe('store on an SQLite file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pod-api-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the parent folder, uses WAL, and keeps its data across restarts', async () => {
    const url = `sqlite:${join(dir, 'nested', 'folder', 'pod-api.db')}`;
    const first = await startStore(url);
    const db = first.get<Kysely<Database>>(DATABASE);
    const { rows } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
    expect(rows).toEqual([{ journal_mode: 'wal' }]);
    await insertCluster(db, 'kept');
    await first.close();

    const second = await startStore(url);
    try {
      const reopened = second.get<Kysely<Database>>(DATABASE);
      await expect(reopened.selectFrom('clusters').select('id').execute()).resolves.toEqual([{ id: 'kept' }]);
      expect(await appliedMigrations(reopened)).toEqual(MIGRATIONS);
    } finally {
      await second.close();
    }
  });
});

describe('store on an SQLite file, its permissions', () => {
  let dir: string;
  let umask: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pod-api-store-mode-'));
    umask = process.umask(0); // the most permissive umask: the modes must not depend on it
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the database file and its WAL and shared-memory files readable by the owner only', async () => {
    const path = join(dir, 'pod-api.db');
    const store = await startStore(`sqlite:${path}`);
    try {
      const db = store.get<Kysely<Database>>(DATABASE);
      await insertCluster(db, 'x');
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        expect({ file, mode: statSync(file).mode & 0o777 }).toEqual({ file, mode: 0o600 });
      }
    } finally {
      await store.close();
    }
  });

  it('leaves the mode of an existing database file as the operator set it', async () => {
    const path = join(dir, 'shared.db');
    writeFileSync(path, '', { mode: 0o640 });
    const store = await startStore(`sqlite:${path}`);
    await store.close();
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });
});

describe('store on an unreachable PostgreSQL', () => {
  it('fails the start without printing the password', async () => {
    const error = await startStore('postgres://pod:hunter2-secret@127.0.0.1:1/pods').catch((thrown: unknown) => thrown);
    // pg's errors come from Node's realm, not jest's: match the shape, not the class.
    expect(error).toMatchObject({ message: expect.stringMatching(/ECONNREFUSED/) });
    const { message, stack } = error as Error;
    expect(`${message} ${stack}`).not.toContain('hunter2-secret');
  });
});
