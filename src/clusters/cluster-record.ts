import type { ApiError } from '../common/errors/api-error.js';

/**
 * What the registry keeps for a cluster added through the API. Credentials are write-only on the API: they live
 * here (encrypted at rest by `CredentialsCipher`) and in the connection built from them, never in a response or a log.
 */
export interface ClusterRecord {
  id: string;
  name: string;
  description: string | null;
  apiServer: string | null;
  credentials: ClusterCredentials;
  /** Requests made for a caller impersonate the caller (see `ClusterEntry.impersonate`). */
  impersonate: boolean;
  /** RFC 3339 UTC; the repository stores and returns `Date.prototype.toISOString()` form. */
  createdAt: string;
  updatedAt: string;
}

/**
 * A stored cluster whose credentials cannot be read back: `ENCRYPTION_KEY` changed or is not set, or the stored value
 * is damaged. It can still be listed, renamed, given new credentials or deleted.
 */
export interface UnreadableClusterRecord extends Omit<ClusterRecord, 'credentials'> {
  /** Why, naming the cluster and the cause (never the key). */
  unreadable: ApiError;
}

/** A cluster as read from the store. */
export type StoredCluster = ClusterRecord | UnreadableClusterRecord;

/** The secret part of a registration (api.md §2), as the connection needs it. */
export interface ClusterCredentials {
  /** A kubeconfig, as YAML text. */
  kubeConfig?: string;
  /** A bearer token. */
  token?: string;
  /** The CA bundle, as PEM text. */
  caCert?: string;
  insecureSkipTlsVerify?: boolean;
  allowInsecureHttp?: boolean;
}

/**
 * A change to a stored cluster: fields left out keep their value; `credentials`, when given, replaces the stored set
 * as a whole (merge first to change one of them). `updatedAt` is the caller's clock.
 */
export type ClusterPatch = Partial<
  Pick<ClusterRecord, 'name' | 'description' | 'apiServer' | 'credentials' | 'impersonate'>
> &
  Pick<ClusterRecord, 'updatedAt'>;
