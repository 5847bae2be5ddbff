import { KubeConfig } from '@kubernetes/client-node';
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
