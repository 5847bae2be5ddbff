import { stringify } from 'yaml';

export interface KubeconfigInput {
  server: string;
  token: string;
  caPem?: string;
  /** Names the cluster, user and context (default `sandbox`). */
  contextName?: string;
  namespace?: string;
}

/** A kubeconfig (YAML) that points kubectl, client-node or the service at a simulator. */
export function buildKubeconfig({
  server,
  token,
  caPem,
  contextName = 'sandbox',
  namespace = 'default',
}: KubeconfigInput): string {
  const cluster: Record<string, string | boolean> = { server };
  if (caPem) cluster['certificate-authority-data'] = Buffer.from(caPem).toString('base64');
  // client-node 2.x refuses a plain-HTTP server unless TLS verification is switched off; there is nothing to verify.
  else if (server.startsWith('http:')) cluster['insecure-skip-tls-verify'] = true;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: contextName, cluster }],
    users: [{ name: contextName, user: { token } }],
    contexts: [{ name: contextName, context: { cluster: contextName, user: contextName, namespace } }],
    'current-context': contextName,
    preferences: {},
  });
}
