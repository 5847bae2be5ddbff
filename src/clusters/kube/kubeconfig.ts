import { KubeConfig } from '@kubernetes/client-node';
import { ApiError } from '../../common/errors/api-error.js';
import { PlainYamlError, readPlainYaml } from './plain-yaml.js';

export interface KubeconfigOptions {
  /** Refuse a kubeconfig without `current-context` (a registered cluster is one context). */
  requireCurrentContext?: boolean;
}

/**
 * What one kubeconfig may cost to read. Kubeconfigs with embedded certificates are tens of KiB and a few hundred
 * tokens per cluster; these bounds leave room for a file of a couple of hundred clusters and keep any text from
 * holding the event loop.
 */
export const KUBECONFIG_LIMITS = { maxBytes: 512 * 1024, maxTokens: 20_000, maxDepth: 32 } as const;

/**
 * Reads kubeconfig text (YAML or JSON) into client-node's `KubeConfig`, after refusing what would make the service run
 * a program or read a file on its host (`assertSelfContained`). Problems are reported as 400 naming the broken part,
 * never quoting the text: a kubeconfig holds tokens and keys, and YAML parsers echo the lines around an error.
 */
export function loadKubeconfig(text: string, options: KubeconfigOptions = {}): KubeConfig {
  const document = readKubeconfigDocument(text);
  assertSelfContained(document);
  const config = new KubeConfig();
  try {
    // client-node is given the very document that was checked, as JSON: its own YAML parser (js-yaml) never sees the
    // text, so it can neither read a field the check did not see nor spend time on anything the check refused.
    config.loadFromString(JSON.stringify(document));
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

type KubeconfigDocument = Record<string, unknown>;

function readKubeconfigDocument(text: string): KubeconfigDocument {
  if (Buffer.byteLength(text, 'utf8') > KUBECONFIG_LIMITS.maxBytes) {
    throw ApiError.badRequest(`kubeConfig is larger than the limit of ${KUBECONFIG_LIMITS.maxBytes / 1024} KiB`);
  }
  let document: unknown;
  try {
    document = readPlainYaml(text, KUBECONFIG_LIMITS);
  } catch (error) {
    if (!(error instanceof PlainYamlError)) throw error;
    throw ApiError.badRequest(
      error.kind === 'invalid'
        ? `kubeConfig is not a valid kubeconfig: ${error.message}`
        : `kubeConfig ${error.message}, which kubeconfigs never need`,
    );
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    throw ApiError.badRequest('kubeConfig is not a valid kubeconfig: it is not a YAML mapping');
  return document as KubeconfigDocument;
}

// client-node's structural messages name a field (`clusters[0].cluster.server is missing`) and are safe to show;
// anything else is reduced to its kind.
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
 * Refuses a kubeconfig that is not self-contained: a user whose credentials come from a command (`exec`), an
 * auth-provider plugin or files on this machine (client-node reads `token-file` while parsing) would make the service
 * run programs or read files on its host for whoever registers a cluster. Inline credentials (`token`,
 * `client-certificate-data`, `certificate-authority-data`…) are what registration accepts. It looks where client-node
 * looks (`users[].user`, `clusters[].cluster`), in the document client-node is then given.
 */
function assertSelfContained(document: KubeconfigDocument): void {
  for (const section of ['users', 'clusters'] as const) {
    const items = document[section];
    if (!Array.isArray(items)) continue;
    const inner = section === 'users' ? 'user' : 'cluster';
    for (const item of items as unknown[]) {
      const fields = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[inner] : undefined;
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
