import { KubeConfig } from '@kubernetes/client-node';

export interface KubeconfigContext {
  /** The context's name, as kubectl shows it. */
  name: string;
  /** Its cluster's API server URL. */
  server: string;
}

/**
 * The usable contexts of a kubeconfig file (each names a defined cluster with a server). Throws when the file
 * cannot be read or parsed; the caller decides whether that stops the start.
 */
export function readKubeconfigContexts(path: string): KubeconfigContext[] {
  const config = new KubeConfig();
  config.loadFromFile(path);
  return config.getContexts().flatMap((context) => {
    const cluster = config.getCluster(context.cluster);
    return cluster?.server ? [{ name: context.name, server: cluster.server }] : [];
  });
}

/** The API server of the cluster this process runs in (from the service account environment). */
export function inClusterServer(): string {
  const config = new KubeConfig();
  config.loadFromCluster();
  return config.getCurrentCluster()?.server ?? 'https://kubernetes.default.svc';
}
