import { ApiError } from '../common/errors/api-error.js';
import type { ClusterCredentials } from './cluster-record.js';
import { decodeCaCertInput, decodeKubeconfigInput } from './credentials-input.js';
import { currentServer, loadKubeconfig } from './kube/kubeconfig.js';

/** The access fields of a registration or an update, as the API receives them. */
export interface AccessInput {
  apiServer?: string;
  kubeConfig?: string;
  token?: string;
  caCert?: string;
  insecureSkipTlsVerify?: boolean;
}

export interface ResolvedAccess {
  apiServer: string;
  credentials: ClusterCredentials;
}

/**
 * Validates and normalizes how to reach a cluster: either a kubeconfig (raw YAML or base64, self-contained, with a
 * current context) or an API server URL with a token (and a CA in PEM or base64). Plain http needs the explicit
 * opt-in `insecureSkipTlsVerify`: it would send the token in clear.
 */
export function resolveAccess(input: AccessInput): ResolvedAccess {
  const insecure = input.insecureSkipTlsVerify === true;
  if (input.kubeConfig !== undefined) {
    if (input.apiServer !== undefined || input.token !== undefined || input.caCert !== undefined) {
      throw ApiError.badRequest('give either kubeConfig, or apiServer with token (and caCert), not both');
    }
    const text = decodeKubeconfigInput(input.kubeConfig);
    const server = currentServer(loadKubeconfig(text, { requireCurrentContext: true }));
    assertServerUrl(server, insecure, "kubeConfig's server");
    return { apiServer: server, credentials: { kubeConfig: text, insecureSkipTlsVerify: insecure } };
  }
  if (input.apiServer === undefined) throw ApiError.badRequest('kubeConfig or apiServer is required');
  if (input.token === undefined) throw ApiError.badRequest('token is required with apiServer');
  assertServerUrl(input.apiServer, insecure, 'apiServer');
  const caCert = input.caCert === undefined ? undefined : decodeCaCertInput(input.caCert);
  return {
    apiServer: input.apiServer,
    credentials: { token: input.token, ...(caCert ? { caCert } : {}), insecureSkipTlsVerify: insecure },
  };
}

/**
 * The access after an update: a new kubeconfig replaces everything; new token-style fields are merged over the
 * stored token-style access (switching a kubeconfig cluster to token access needs apiServer and token). `current` is
 * undefined when the stored credentials cannot be read: only a whole new access can replace them then.
 */
export function mergeAccess(current: ResolvedAccess | undefined, change: AccessInput): ResolvedAccess | undefined {
  const changesAccess = (['apiServer', 'kubeConfig', 'token', 'caCert', 'insecureSkipTlsVerify'] as const).some(
    (field) => change[field] !== undefined,
  );
  if (!changesAccess) return undefined;
  if (change.kubeConfig !== undefined) return resolveAccess(change);
  if (current === undefined) {
    if (change.apiServer !== undefined && change.token !== undefined) return resolveAccess(change);
    throw ApiError.conflict(
      'the stored credentials of this cluster cannot be read; replace them whole: kubeConfig, or apiServer with token',
    );
  }
  const wasToken = current.credentials.kubeConfig === undefined;
  if (wasToken || change.apiServer !== undefined || change.token !== undefined || change.caCert !== undefined) {
    const base = wasToken
      ? { apiServer: current.apiServer, token: current.credentials.token, caCert: current.credentials.caCert }
      : {};
    return resolveAccess({
      ...base,
      insecureSkipTlsVerify: change.insecureSkipTlsVerify ?? current.credentials.insecureSkipTlsVerify,
      ...definedOnly({ apiServer: change.apiServer, token: change.token, caCert: change.caCert }),
    });
  }
  // Only insecureSkipTlsVerify changed on a kubeconfig cluster.
  return resolveAccess({
    kubeConfig: current.credentials.kubeConfig,
    insecureSkipTlsVerify: change.insecureSkipTlsVerify,
  });
}

/** An https URL (http with the opt-in) without userinfo. */
function assertServerUrl(server: string, insecure: boolean, field: string): void {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw ApiError.badRequest(`${field} is not a URL`);
  }
  // A password in the URL would be stored, listed and logged with it; the message must not echo the URL either.
  if (url.username !== '' || url.password !== '')
    throw ApiError.badRequest(`${field} must not contain a user name or password`);
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && insecure) return;
  if (url.protocol === 'http:')
    throw ApiError.badRequest(
      `${field} uses plain http, which would send credentials in clear; use https, or set insecureSkipTlsVerify: true to allow it`,
    );
  throw ApiError.badRequest(`${field} must be an https URL`);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
