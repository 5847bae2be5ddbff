import { KubeConfig } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { ApiError } from '../../common/errors/api-error.js';

export interface KubeconfigOptions {
  /** Refuse a kubeconfig without `current-context` (a registered cluster is one context). */
  requireCurrentContext?: boolean;
}

/**
 * Reads kubeconfig text (YAML) into client-node's `KubeConfig`. Problems are reported as 400 naming the broken part,
 * never quoting the text: a kubeconfig holds tokens and keys, and YAML parsers echo the lines around an error.
 */
export function loadKubeconfig(text: string, options: KubeconfigOptions = {}): KubeConfig {
  const config = new KubeConfig();
  try {
    config.loadFromString(text);
  } catch (error) {
    throw ApiError.badRequest(`kubeConfig is not a valid kubeconfig: ${describeLoadError(error)}`);
  }
  if (config.getClusters().length === 0)
    throw ApiError.badRequest('kubeConfig is not a valid kubeconfig: it defines no cluster');
  if (options.requireCurrentContext) {
    const current = config.getCurrentContext();
    if (!current) throw ApiError.badRequest('kubeConfig has no current-context');
    if (!config.getContextObject(current))
      throw ApiError.badRequest(`kubeConfig's current-context "${current}" is not one of its contexts`);
    if (!config.getCurrentCluster())
      throw ApiError.badRequest(`kubeConfig's current-context "${current}" names a cluster it does not define`);
  }
  return config;
}

// client-node's structural messages name a field (`clusters[0].cluster.server is missing`) and are safe to show;
// anything else (a YAML syntax error with its excerpt) is reduced to its kind.
const STRUCTURAL_MESSAGE = /^(clusters|users|contexts)\[\d+\](\.[a-z-]+)* is missing$/;

function describeLoadError(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  if (STRUCTURAL_MESSAGE.test(message)) return message;
  return 'not valid YAML';
}

/** Fields that make client-node run a program or read a file on this machine, by where they appear. */
const HOST_DEPENDENT_FIELDS: Record<'users' | 'clusters', Record<string, string>> = {
  users: {
    exec: 'uses an exec credential plugin',
    'auth-provider': 'uses an auth-provider plugin',
    'token-file': 'refers to a token file',
    tokenFile: 'refers to a token file',
    'client-certificate': 'refers to a client certificate file',
    'client-key': 'refers to a client key file',
  },
  clusters: { 'certificate-authority': 'refers to a certificate-authority file' },
};

/**
 * Refuses a kubeconfig that is not self-contained, before client-node reads it: a user whose credentials come from a
 * command (`exec`), an auth-provider plugin or files on this machine (client-node reads `token-file` while parsing)
 * would make the service run programs or read files on its host for whoever registers a cluster. Inline
 * credentials (`token`, `client-certificate-data`, `certificate-authority-data`…) are what registration accepts.
 */
export function assertSelfContainedKubeconfig(text: string): void {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch {
    throw ApiError.badRequest('kubeConfig is not a valid kubeconfig: not valid YAML');
  }
  for (const section of ['users', 'clusters'] as const) {
    const items = (document as Record<string, unknown> | null)?.[section];
    if (!Array.isArray(items)) continue;
    const inner = section === 'users' ? 'user' : 'cluster';
    for (const item of items as Record<string, unknown>[]) {
      const fields = item?.[inner];
      if (typeof fields !== 'object' || fields === null) continue;
      for (const [field, problem] of Object.entries(HOST_DEPENDENT_FIELDS[section])) {
        if (field in fields)
          throw ApiError.badRequest(`kubeConfig ${problem} (${field}); only inline credentials can be registered`);
      }
    }
  }
}

/** The API server URL of the current context. */
export function currentServer(config: KubeConfig): string {
  const server = config.getCurrentCluster()?.server;
  if (!server) throw ApiError.badRequest('kubeConfig has no current-context');
  return server;
}
