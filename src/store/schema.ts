/**
 * The store's tables as Kysely sees them. Every column is `text` (or nullable `text`) on both dialects, so a value
 * reads back exactly as written on SQLite and PostgreSQL alike; timestamps are RFC 3339 UTC strings in one fixed
 * format (`toISOString()`), whose text order is their time order.
 */
export interface Database {
  clusters: ClustersTable;
}

/** The registry of clusters added through the API (kubeconfig and in-cluster entries are not stored). */
export interface ClustersTable {
  id: string;
  name: string;
  description: string | null;
  api_server: string | null;
  /** `CredentialsCipher` output: never plaintext. */
  credentials: string;
  created_at: string;
  updated_at: string;
}

/** The two database engines the store runs on; the SQL the store writes means the same on both. */
export type StoreDialect = 'sqlite' | 'postgres';
