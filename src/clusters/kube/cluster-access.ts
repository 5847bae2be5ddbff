/**
 * How to reach one cluster, as the registry knows it. Credentials inside never leave the service: they are
 * turned into a client by the KubeApi factory and into an encrypted blob by the store, nothing else.
 */
export type ClusterAccess =
  /** One context of a kubeconfig file on disk (relative certificate paths resolve against the file's folder). */
  | { kind: 'kubeconfig-file'; path: string; context: string; allowInsecureHttp: true }
  /** Kubeconfig text (registered through the API): its current context. */
  | { kind: 'kubeconfig'; kubeConfig: string; allowInsecureHttp: boolean }
  /** An API server URL with a bearer token and CA (registered through the API). */
  | { kind: 'token'; apiServer: string; token?: string; caCert?: string; insecureSkipTlsVerify: boolean }
  /** The service account of the pod the service runs in. */
  | { kind: 'in-cluster' };
