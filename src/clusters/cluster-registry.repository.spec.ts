import { sql, type Kysely } from 'kysely';
import { testDatabaseTargets, type TestDatabase } from '../../test/helpers/postgres.js';
import { ApiError } from '../common/errors/api-error.js';
import { migrateToLatest } from '../store/migrate.js';
import { StoreMigrations } from '../store/migrations/index.js';
import { openDatabase, parseDatabaseUrl } from '../store/database.provider.js';
import type { Database } from '../store/schema.js';
import type { ClusterRecord } from './cluster-record.js';
import { ClusterRegistryRepository } from './cluster-registry.repository.js';
import { CredentialsCipher, CredentialsDecryptionError } from './credentials-cipher.js';

const KEY = 'the-registry-spec-encryption-key-0123456789';
const TOKEN = 'sha256~registry-spec-bearer-token-SECRET';
const KUBECONFIG = [
  'apiVersion: v1',
  'kind: Config',
  'users:',
  '- name: admin',
  '  user:',
  '    client-key-data: UkVHSVNUUlktU1BFQy1DTElFTlQtS0VZ',
  '',
].join('\n');

function aCluster(id: string, overrides: Partial<ClusterRecord> = {}): ClusterRecord {
  return {
    id,
    name: `${id} cluster`,
    description: null,
    apiServer: `https://${id}.example.test:6443`,
    credentials: { token: TOKEN, caCert: '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n' },
    impersonate: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe.each(testDatabaseTargets())(`${ClusterRegistryRepository.name} on $dialect`, (target) => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  let clusters: ClusterRegistryRepository;
  const cipher = new CredentialsCipher({ encryptionKey: KEY });

  // One database per dialect for the file (a PostgreSQL CREATE DATABASE costs ~250 ms); each test starts empty.
  beforeAll(async () => {
    database = await target.create();
    const { dialect } = parseDatabaseUrl(database.url);
    db = openDatabase(parseDatabaseUrl(database.url));
    await migrateToLatest(db, dialect);
    clusters = new ClusterRegistryRepository(db, cipher);
  });

  beforeEach(async () => {
    await db.deleteFrom('clusters').execute();
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('stores a cluster and reads it back, credentials included', async () => {
    const record = aCluster('prod-eu', {
      description: 'production, EU',
      credentials: { kubeConfig: KUBECONFIG, insecureSkipTlsVerify: true, allowInsecureHttp: false },
    });
    await expect(clusters.create(record)).resolves.toEqual(record);
    await expect(clusters.get('prod-eu')).resolves.toEqual(record);
    await expect(clusters.get('absent')).resolves.toBeUndefined();
  });

  it('keeps null description and API server as null', async () => {
    await clusters.create(aCluster('bare', { description: null, apiServer: null, credentials: {} }));
    await expect(clusters.get('bare')).resolves.toMatchObject({ description: null, apiServer: null, credentials: {} });
  });

  it('lists clusters oldest first, ties by id', async () => {
    await clusters.create(aCluster('c', { createdAt: '2026-03-01T00:00:00Z' }));
    await clusters.create(aCluster('b-2', { createdAt: '2026-02-01T00:00:00Z' }));
    await clusters.create(aCluster('b1', { createdAt: '2026-02-01T00:00:00Z' }));
    await clusters.create(aCluster('a', { createdAt: '2026-04-01T00:00:00Z' }));
    // Byte order puts "b-2" before "b1" ('-' < '1'); a linguistic collation would not.
    expect((await clusters.list()).map((cluster) => cluster.id)).toEqual(['b-2', 'b1', 'c', 'a']);
  });

  it('answers an empty list when nothing is stored', async () => {
    await expect(clusters.list()).resolves.toEqual([]);
    await expect(clusters.count()).resolves.toBe(0);
  });

  it('counts the stored clusters without reading their credentials', async () => {
    await clusters.create(aCluster('one'));
    await clusters.create(aCluster('two'));
    const keyless = new ClusterRegistryRepository(db, new CredentialsCipher({ encryptionKey: undefined }));
    await expect(keyless.count()).resolves.toBe(2);
  });

  it('stores timestamps as RFC 3339 UTC in one form, whatever offset they came with', async () => {
    const stored = await clusters.create(
      aCluster('zoned', { createdAt: '2026-01-01T01:30:00+01:30', updatedAt: '2026-06-30T23:59:59.5Z' }),
    );
    expect(stored).toMatchObject({ createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-06-30T23:59:59.500Z' });
    await expect(clusters.get('zoned')).resolves.toMatchObject({ createdAt: '2026-01-01T00:00:00.000Z' });
    await expect(clusters.create(aCluster('bad-time', { createdAt: '1 Jan 2026' }))).rejects.toThrow(
      'createdAt must be an RFC 3339 timestamp',
    );
  });

  it('refuses a second cluster with the same id', async () => {
    await clusters.create(aCluster('prod'));
    const error = await rejection(clusters.create(aCluster('prod', { name: 'another name' })));
    expect(error).toEqual(ApiError.conflict('cluster "prod" already exists'));
    expect(error).toMatchObject({ status: 409, reason: 'Conflict' });
    await expect(clusters.get('prod')).resolves.toMatchObject({ name: 'prod cluster' });
  });

  it('refuses a second cluster with the same name', async () => {
    await clusters.create(aCluster('prod', { name: 'Production' }));
    const error = await rejection(clusters.create(aCluster('prod-2', { name: 'Production' })));
    expect(error).toEqual(ApiError.conflict('a cluster named "Production" already exists'));
    expect(error).toMatchObject({ status: 409, reason: 'Conflict' });
    await expect(clusters.get('prod-2')).resolves.toBeUndefined();
  });

  it('treats names that differ only in case as different names', async () => {
    await clusters.create(aCluster('one', { name: 'Staging' }));
    await expect(clusters.create(aCluster('two', { name: 'staging' }))).resolves.toMatchObject({ name: 'staging' });
  });

  it('updates the given fields and keeps the others', async () => {
    await clusters.create(aCluster('prod', { description: 'old' }));
    const updated = await clusters.update('prod', { description: null, updatedAt: '2026-02-02T00:00:00Z' });
    const expected = aCluster('prod', { description: null, updatedAt: '2026-02-02T00:00:00.000Z' });
    expect(updated).toEqual(expected);
    await expect(clusters.get('prod')).resolves.toEqual(expected);
  });

  it('replaces the credentials as a whole when new ones are given', async () => {
    await clusters.create(aCluster('prod'));
    await clusters.update('prod', {
      name: 'Production',
      apiServer: 'https://10.0.0.1:6443',
      credentials: { kubeConfig: KUBECONFIG },
      updatedAt: '2026-02-02T00:00:00Z',
    });
    await expect(clusters.get('prod')).resolves.toMatchObject({
      name: 'Production',
      apiServer: 'https://10.0.0.1:6443',
      credentials: { kubeConfig: KUBECONFIG },
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-02-02T00:00:00.000Z',
    });
  });

  it('stores whether a cluster impersonates its callers, and changes that alone', async () => {
    await clusters.create(aCluster('strict', { impersonate: true }));
    await clusters.create(aCluster('plain'));
    expect((await clusters.list()).map(({ id, impersonate }) => ({ id, impersonate }))).toEqual([
      { id: 'plain', impersonate: false },
      { id: 'strict', impersonate: true },
    ]);
    const updated = await clusters.update('strict', { impersonate: false, updatedAt: '2026-02-02T00:00:00Z' });
    expect(updated).toEqual(aCluster('strict', { impersonate: false, updatedAt: '2026-02-02T00:00:00.000Z' }));
    await clusters.update('plain', { impersonate: true, updatedAt: '2026-02-02T00:00:00Z' });
    await expect(clusters.get('plain')).resolves.toMatchObject({ impersonate: true, credentials: { token: TOKEN } });
    await clusters.update('plain', { name: 'renamed', updatedAt: '2026-02-03T00:00:00Z' });
    await expect(clusters.get('plain')).resolves.toMatchObject({ name: 'renamed', impersonate: true });
  });

  it('answers undefined when updating a cluster that does not exist', async () => {
    await expect(clusters.update('ghost', { name: 'x', updatedAt: '2026-02-02T00:00:00Z' })).resolves.toBeUndefined();
    await expect(clusters.list()).resolves.toEqual([]);
  });

  it('refuses to rename a cluster onto a name that is taken', async () => {
    await clusters.create(aCluster('a', { name: 'Alpha' }));
    await clusters.create(aCluster('b', { name: 'Beta' }));
    await expect(clusters.update('b', { name: 'Alpha', updatedAt: '2026-02-02T00:00:00Z' })).rejects.toEqual(
      ApiError.conflict('a cluster named "Alpha" already exists'),
    );
    await expect(clusters.get('b')).resolves.toMatchObject({ name: 'Beta' });
  });

  it('removes a cluster and says whether it existed', async () => {
    await clusters.create(aCluster('prod'));
    await expect(clusters.remove('prod')).resolves.toBe(true);
    await expect(clusters.remove('prod')).resolves.toBe(false);
    await expect(clusters.get('prod')).resolves.toBeUndefined();
  });

  it('never writes the token, the kubeconfig or the CA in plaintext', async () => {
    await clusters.create(aCluster('tok'));
    await clusters.create(aCluster('kc', { credentials: { kubeConfig: KUBECONFIG } }));
    await clusters.update('tok', { credentials: { token: `${TOKEN}-rotated` }, updatedAt: '2026-02-02T00:00:00Z' });
    const rows = await db.selectFrom('clusters').selectAll().execute();
    const stored = JSON.stringify(rows);
    expect(rows).toHaveLength(2);
    for (const secret of [
      TOKEN,
      'registry-spec-bearer-token',
      'client-key-data',
      'UkVHSVNUUlktU1BFQy1DTElFTlQtS0VZ',
      'MIIC',
    ]) {
      expect(stored).not.toContain(secret);
      expect(stored).not.toContain(Buffer.from(secret).toString('base64'));
    }
    for (const row of rows) expect(row.credentials).toMatch(/^v1\.aes-256-gcm\./);
  });

  it('refuses to store a cluster without ENCRYPTION_KEY, and stores nothing', async () => {
    const keyless = new ClusterRegistryRepository(db, new CredentialsCipher({ encryptionKey: undefined }));
    await expect(keyless.create(aCluster('prod'))).rejects.toEqual(
      new ApiError(503, 'NotConfigured', 'cannot store cluster credentials: ENCRYPTION_KEY is not configured'),
    );
    await expect(keyless.create(aCluster('prod'))).rejects.toMatchObject({ status: 503 });
    await expect(clusters.list()).resolves.toEqual([]);
  });

  describe('records whose credentials cannot be read', () => {
    const rotated = () => new ClusterRegistryRepository(db, new CredentialsCipher({ encryptionKey: `${KEY}-rotated` }));
    const { credentials: _credentials, ...fields } = aCluster('prod');

    it('reads them back as unreadable, naming the cluster and ENCRYPTION_KEY, beside the readable ones', async () => {
      await clusters.create(aCluster('prod'));
      const unreadable = new CredentialsDecryptionError('they were encrypted with a different ENCRYPTION_KEY', 'prod');
      expect(unreadable.message).toBe(
        'credentials of cluster "prod" cannot be decrypted: they were encrypted with a different ENCRYPTION_KEY',
      );
      const other = rotated();
      await other.create(aCluster('dev', { createdAt: '2026-02-01T00:00:00Z' }));
      await expect(other.get('prod')).resolves.toEqual({ ...fields, unreadable });
      expect(await other.list()).toEqual([
        { ...fields, unreadable },
        aCluster('dev', { createdAt: '2026-02-01T00:00:00.000Z' }),
      ]);
    });

    it('reads them back as unreadable without ENCRYPTION_KEY', async () => {
      await clusters.create(aCluster('prod'));
      const keyless = new ClusterRegistryRepository(db, new CredentialsCipher({ encryptionKey: undefined }));
      await expect(keyless.list()).resolves.toEqual([
        {
          ...fields,
          unreadable: new ApiError(
            503,
            'NotConfigured',
            'cannot read stored cluster credentials: ENCRYPTION_KEY is not configured',
          ),
        },
      ]);
    });

    it('lets them be renamed, keeping them unreadable, and given new credentials under the current key', async () => {
      await clusters.create(aCluster('prod'));
      const other = rotated();
      await expect(
        other.update('prod', { name: 'Production', updatedAt: '2026-02-02T00:00:00Z' }),
      ).resolves.toMatchObject({
        name: 'Production',
        unreadable: expect.any(CredentialsDecryptionError),
      });
      const replaced = await other.update('prod', {
        credentials: { token: 'new-token' },
        updatedAt: '2026-02-03T00:00:00Z',
      });
      expect(replaced).toEqual(
        aCluster('prod', {
          name: 'Production',
          credentials: { token: 'new-token' },
          updatedAt: '2026-02-03T00:00:00.000Z',
        }),
      );
      await expect(other.get('prod')).resolves.toEqual(replaced);
    });

    it('lets them be removed', async () => {
      await clusters.create(aCluster('prod'));
      await expect(rotated().remove('prod')).resolves.toBe(true);
      await expect(clusters.get('prod')).resolves.toBeUndefined();
    });

    it('refuses credentials moved from one cluster row onto another', async () => {
      await clusters.create(aCluster('prod'));
      await clusters.create(aCluster('dev', { credentials: {} }));
      const { credentials } = await db
        .selectFrom('clusters')
        .select('credentials')
        .where('id', '=', 'prod')
        .executeTakeFirstOrThrow();
      await db.updateTable('clusters').set({ credentials }).where('id', '=', 'dev').execute();
      const moved = await clusters.get('dev');
      expect(moved).toMatchObject({
        id: 'dev',
        unreadable: {
          message: expect.stringMatching(/^credentials of cluster "dev" cannot be decrypted: .*integrity/),
        },
      });
      expect(moved).not.toHaveProperty('credentials');
    });
  });

  it('stores every column as text that reads back unchanged', async () => {
    await clusters.create(aCluster('typed', { description: 'ünïcödé ✓ "quoted" \'single\'' }));
    const row = await db.selectFrom('clusters').selectAll().where('id', '=', 'typed').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ description: 'ünïcödé ✓ "quoted" \'single\'', created_at: '2026-01-01T00:00:00.000Z' });
    const { rows } = await sql<{ n: number }>`select count(*) as n from clusters`.execute(db);
    expect(Number(rows[0].n)).toBe(1);
  });

  it('reads a cluster stored before 0004-cluster-impersonate as not impersonating, and stores only true or false', async () => {
    const older = await target.create();
    const { dialect } = parseDatabaseUrl(older.url);
    const olderDb = openDatabase(parseDatabaseUrl(older.url));
    try {
      const all = await new StoreMigrations(dialect).getMigrations();
      const before = Object.fromEntries(Object.entries(all).filter(([name]) => name < '0004-cluster-impersonate'));
      await migrateToLatest(olderDb, dialect, { getMigrations: () => Promise.resolve(before) });
      await sql`insert into clusters (id, name, description, api_server, credentials, created_at, updated_at)
                values ('old', 'Old', null, null, 'v1.not-a-blob', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`.execute(
        olderDb,
      );
      await expect(migrateToLatest(olderDb, dialect)).resolves.toEqual(['0004-cluster-impersonate']);
      const repository = new ClusterRegistryRepository(olderDb, cipher);
      await expect(repository.get('old')).resolves.toMatchObject({ id: 'old', impersonate: false });
      await expect(
        olderDb.updateTable('clusters').set({ impersonate: 'yes' }).where('id', '=', 'old').execute(),
      ).rejects.toThrow(/check/i);
    } finally {
      await olderDb.destroy();
      await older.drop();
    }
  });
});
