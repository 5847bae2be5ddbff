import { Inject, Injectable } from '@nestjs/common';
import type { Kysely, Selectable, Updateable } from 'kysely';
import { ApiError } from '../common/errors/api-error.js';
import { DATABASE } from '../store/database.provider.js';
import type { ClustersTable, Database } from '../store/schema.js';
import { isUniqueViolation } from '../store/sql-errors.js';
import type { ClusterCredentials, ClusterPatch, ClusterRecord, StoredCluster } from './cluster-record.js';
import { CredentialsCipher, CredentialsDecryptionError } from './credentials-cipher.js';

/**
 * The clusters added through the API, in the `clusters` table. Credentials are stored only as the cipher's blob,
 * bound to the cluster's id; they are encrypted on the way in and decrypted on the way out. Without `ENCRYPTION_KEY`
 * writing credentials fails with 503; a record whose credentials cannot be decrypted (no key, another key, a damaged
 * value) is read back as unreadable, with the reason, so that one such record never hides the others and can still be
 * changed or deleted. The queries are plain Kysely over `text` columns and mean the same on SQLite and PostgreSQL.
 */
@Injectable()
export class ClusterRegistryRepository {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    private readonly cipher: CredentialsCipher,
  ) {}

  /** Every stored cluster, oldest first (ties by id). */
  async list(): Promise<StoredCluster[]> {
    const rows = await this.db.selectFrom('clusters').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map((row) => this.toRecord(row));
  }

  /** How many clusters are stored; reads no credentials, so it works without (or with a changed) `ENCRYPTION_KEY`. */
  async count(): Promise<number> {
    const { count } = await this.db
      .selectFrom('clusters')
      .select((eb) => eb.fn.countAll<string | number>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(count); // PostgreSQL's count is a bigint, which pg returns as a string
  }

  async get(id: string): Promise<StoredCluster | undefined> {
    const row = await this.db.selectFrom('clusters').selectAll().where('id', '=', id).executeTakeFirst();
    return row && this.toRecord(row);
  }

  /** Stores a new cluster; 409 `Conflict` when its id or name is taken, 503 without `ENCRYPTION_KEY`. */
  async create(record: ClusterRecord): Promise<ClusterRecord> {
    const row = {
      id: record.id,
      name: record.name,
      description: record.description,
      api_server: record.apiServer,
      credentials: this.encrypt(record.id, record.credentials),
      impersonate: String(record.impersonate),
      created_at: utcTimestamp(record.createdAt, 'createdAt'),
      updated_at: utcTimestamp(record.updatedAt, 'updatedAt'),
    };
    try {
      await this.db.insertInto('clusters').values(row).execute();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Which constraint: the drivers report it in different shapes (SQLite's message, pg's constraint name).
      const sameId = await this.db.selectFrom('clusters').select('id').where('id', '=', record.id).executeTakeFirst();
      throw sameId
        ? ApiError.conflict(`cluster "${record.id}" already exists`)
        : ApiError.conflict(`a cluster named "${record.name}" already exists`);
    }
    return { ...fieldsOf(row), credentials: toClusterCredentials(record.credentials) };
  }

  /** Applies the patch and returns the result, or undefined when there is no such cluster; 409 on a taken name. */
  async update(id: string, patch: ClusterPatch): Promise<StoredCluster | undefined> {
    const changes: Updateable<ClustersTable> = { updated_at: utcTimestamp(patch.updatedAt, 'updatedAt') };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.description !== undefined) changes.description = patch.description;
    if (patch.apiServer !== undefined) changes.api_server = patch.apiServer;
    if (patch.credentials !== undefined) changes.credentials = this.encrypt(id, patch.credentials);
    if (patch.impersonate !== undefined) changes.impersonate = String(patch.impersonate);
    try {
      const row = await this.db
        .updateTable('clusters')
        .set(changes)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && this.toRecord(row);
    } catch (error) {
      // The id is the primary key and is never changed, so only the name can collide.
      if (isUniqueViolation(error)) throw ApiError.conflict(`a cluster named "${patch.name}" already exists`);
      throw error;
    }
  }

  /** Deletes the cluster; whether it existed. */
  async remove(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('clusters').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  private encrypt(id: string, credentials: ClusterCredentials): string {
    return this.cipher.encrypt(credentials, credentialsContext(id));
  }

  private toRecord(row: Selectable<ClustersTable>): StoredCluster {
    let plaintext: object;
    try {
      plaintext = this.cipher.decrypt(row.credentials, credentialsContext(row.id));
    } catch (error) {
      if (error instanceof CredentialsDecryptionError)
        return { ...fieldsOf(row), unreadable: new CredentialsDecryptionError(error.why, row.id) };
      if (error instanceof ApiError) return { ...fieldsOf(row), unreadable: error }; // no ENCRYPTION_KEY
      throw error;
    }
    return { ...fieldsOf(row), credentials: toClusterCredentials(plaintext) };
  }
}

function fieldsOf(row: Selectable<ClustersTable>): Omit<ClusterRecord, 'credentials'> {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    apiServer: row.api_server,
    impersonate: row.impersonate === 'true',
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Binds a blob to its row: the same ciphertext under another cluster's id fails its integrity check. */
function credentialsContext(id: string): string {
  return `clusters/${id}`;
}

/** Keeps the known fields of their known types, so the record's type holds whatever a blob carried. */
function toClusterCredentials(value: object): ClusterCredentials {
  const source = value as Record<string, unknown>;
  const credentials: ClusterCredentials = {};
  for (const field of ['kubeConfig', 'token', 'caCert'] as const) {
    const text = source[field];
    if (typeof text === 'string') credentials[field] = text;
  }
  for (const field of ['insecureSkipTlsVerify', 'allowInsecureHttp'] as const) {
    const flag = source[field];
    if (typeof flag === 'boolean') credentials[field] = flag;
  }
  return credentials;
}

const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** One fixed UTC form (`2026-01-01T00:00:00.000Z`), so that text order is time order on both dialects. */
function utcTimestamp(value: string, field: string): string {
  const time = RFC_3339.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) throw new TypeError(`${field} must be an RFC 3339 timestamp`);
  return new Date(time).toISOString();
}
