import type { Generated } from 'kysely';

/**
 * The store's tables as Kysely sees them. Every column is `text` (or nullable `text`) on both dialects, so a value
 * reads back exactly as written on SQLite and PostgreSQL alike; timestamps are RFC 3339 UTC strings in one fixed
 * format (`toISOString()`), whose text order is their time order.
 */
export interface Database {
  clusters: ClustersTable;
  exec_sessions: ExecSessionsTable;
  audit_events: AuditEventsTable;
}

/** The registry of clusters added through the API (kubeconfig and in-cluster entries are not stored). */
export interface ClustersTable {
  id: string;
  name: string;
  description: string | null;
  api_server: string | null;
  /** `CredentialsCipher` output: never plaintext. */
  credentials: string;
  /** `'true'` or `'false'` (by default): whether the cluster impersonates its callers. */
  impersonate: Generated<string>;
  created_at: string;
  updated_at: string;
}

/**
 * The audit log of terminal sessions: a row is written when a session opens and completed when it ends, so a session
 * the service never saw end (a crash) keeps a row without `ended_at`. Numbers are decimal text, as every column is.
 */
export interface ExecSessionsTable {
  id: string;
  request_id: string;
  caller: string;
  cluster_id: string;
  namespace: string;
  pod: string;
  container: string;
  /** The program and its arguments, a JSON array of strings. */
  argv: string;
  started_at: string;
  ended_at: string | null;
  /** One of EXEC_SESSION_OUTCOMES (src/audit/exec-audit.ts); null until the session ends. */
  outcome: string | null;
  exit_code: string | null;
  bytes_in: string | null;
  bytes_out: string | null;
  detail: string | null;
  /** The recording's key in the RecordingStore, when the session was recorded. */
  recording: string | null;
  /** Why the recording is missing or incomplete, when it is. */
  recording_error: string | null;
}

/**
 * The audit log of actions and refusals (api.md §6): a row is written before an action is taken and completed with
 * its outcome, so an action the service never saw end (a crash) keeps a row without `outcome`; a refusal is written
 * whole at once.
 */
export interface AuditEventsTable {
  id: string;
  /** When the action began (or was refused). */
  at: string;
  request_id: string;
  caller: string;
  /** One of AUDIT_ACTIONS (src/audit/audit-event.ts). */
  action: string;
  cluster_id: string | null;
  namespace: string | null;
  /** The pod, for actions on one. */
  name: string | null;
  /** The method and path the action came as (`DELETE /api/clusters/…`, `WS /ws/…`), never a query string. */
  request: string;
  /** One of AUDIT_OUTCOMES; null until the action ends. */
  outcome: string | null;
  /** The HTTP status of a failure or refusal, decimal text. */
  status: string | null;
  reason: string | null;
  detail: string | null;
}

/** The two database engines the store runs on; the SQL the store writes means the same on both. */
export type StoreDialect = 'sqlite' | 'postgres';
