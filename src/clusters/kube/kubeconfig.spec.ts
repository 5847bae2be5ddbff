import { ApiError } from '../../common/errors/api-error.js';
import { ClientNodeKubeApiFactory } from './client-node-kube-api.js';
import { assertSelfContainedKubeconfig, loadKubeconfig } from './kubeconfig.js';

// Importing @kubernetes/client-node (ESM-only) under jest needs Node's --experimental-vm-modules (see README): this
// spec failing to load means that set-up broke.
const kubeconfig = (extra = 'current-context: edge\n') => `apiVersion: v1
kind: Config
clusters:
- name: edge
  cluster:
    server: https://10.1.2.3:6443
    certificate-authority-data: ${Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64')}
users:
- name: edge-admin
  user:
    token: s3cr3t-token-value
contexts:
- name: edge
  context:
    cluster: edge
    user: edge-admin
    namespace: shop
${extra}`;

describe(loadKubeconfig.name, () => {
  it('builds a client-node KubeConfig from a string', () => {
    const config = loadKubeconfig(kubeconfig(), { requireCurrentContext: true });
    expect(config.getCurrentContext()).toBe('edge');
    expect(config.getCurrentCluster()).toMatchObject({ name: 'edge', server: 'https://10.1.2.3:6443' });
    expect(config.getCurrentUser()).toMatchObject({ name: 'edge-admin', token: 's3cr3t-token-value' });
    expect(config.getContextObject('edge')?.namespace).toBe('shop');
  });

  it.each([
    {
      label: 'broken YAML',
      text: 'clusters: [\n  token: s3cr3t',
      message: 'kubeConfig is not a valid kubeconfig: not valid YAML',
    },
    {
      label: 'a cluster without server',
      text: 'clusters:\n- name: a\n  cluster: {}\n',
      message: 'kubeConfig is not a valid kubeconfig: clusters[0].cluster.server is missing',
    },
    {
      label: 'no cluster at all',
      text: 'kind: Config\n',
      message: 'kubeConfig is not a valid kubeconfig: it defines no cluster',
    },
  ])('refuses $label with 400 naming the problem', ({ text, message }) => {
    expect(() => loadKubeconfig(text)).toThrow(
      expect.objectContaining({ status: 400, reason: 'BadRequest', message }) as ApiError,
    );
  });

  it('never quotes the text in its message', () => {
    try {
      loadKubeconfig(kubeconfig('current-context: [s3cr3t-token-value\n'));
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).message).not.toContain('s3cr3t');
    }
  });

  it.each([
    { label: 'no current context', extra: '', message: 'kubeConfig has no current-context' },
    {
      label: 'an unknown current context',
      extra: 'current-context: other\n',
      message: `kubeConfig's current-context "other" is not one of its contexts`,
    },
  ])('refuses $label when a current context is required', ({ extra, message }) => {
    expect(() => loadKubeconfig(kubeconfig(extra))).not.toThrow();
    expect(() => loadKubeconfig(kubeconfig(extra), { requireCurrentContext: true })).toThrow(message);
  });
});

describe(assertSelfContainedKubeconfig.name, () => {
  it('accepts inline credentials', () => {
    expect(() => assertSelfContainedKubeconfig(kubeconfig())).not.toThrow();
  });

  it.each([
    {
      label: 'an exec plugin',
      user: 'exec: {command: /bin/sh, args: ["-c", "id"], apiVersion: client.authentication.k8s.io/v1}',
      problem: 'uses an exec credential plugin (exec)',
    },
    {
      label: 'an auth provider',
      user: 'auth-provider: {name: oidc, config: {}}',
      problem: 'uses an auth-provider plugin (auth-provider)',
    },
    { label: 'a token file', user: 'token-file: /etc/shadow', problem: 'refers to a token file (token-file)' },
    {
      label: 'a client certificate file',
      user: 'client-certificate: /etc/ssl/private/x.crt',
      problem: 'refers to a client certificate file (client-certificate)',
    },
  ])('refuses $label before anything reads it', ({ user, problem }) => {
    const text = `clusters: [{name: c, cluster: {server: "https://1.2.3.4"}}]\nusers: [{name: u, user: {${user}}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`;
    expect(() => assertSelfContainedKubeconfig(text)).toThrow(
      `kubeConfig ${problem}; only inline credentials can be registered`,
    );
  });

  it('refuses a certificate-authority file', () => {
    const text = 'clusters: [{name: c, cluster: {server: "https://1.2.3.4", certificate-authority: /etc/passwd}}]\n';
    expect(() => assertSelfContainedKubeconfig(text)).toThrow(
      'kubeConfig refers to a certificate-authority file (certificate-authority)',
    );
  });
});

describe(ClientNodeKubeApiFactory.name, () => {
  const settings = {
    clusterId: 'edge',
    requestTimeoutMs: 1000,
    connectTimeoutMs: 1000,
    maxResponseBytes: 1 << 20,
    maxWatchLineBytes: 1 << 20,
  };

  it('reports a kubeconfig file that can no longer be read as ClusterUnreachable, without the path', () => {
    const create = () =>
      new ClientNodeKubeApiFactory().create(
        { kind: 'kubeconfig-file', path: '/nonexistent/secret-kubeconfig', context: 'x', allowInsecureHttp: true },
        settings,
      );
    expect(create).toThrow(
      expect.objectContaining({
        status: 502,
        reason: 'ClusterUnreachable',
        message: 'the credentials of cluster "edge" could not be loaded',
      }),
    );
  });

  it('refuses a plain-http server without the opt-in', () => {
    const text =
      'clusters: [{name: c, cluster: {server: "http://10.0.0.1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n';
    expect(() =>
      new ClientNodeKubeApiFactory().create(
        { kind: 'kubeconfig', kubeConfig: text, allowInsecureHttp: false },
        settings,
      ),
    ).toThrow(expect.objectContaining({ status: 400 }));
    expect(() =>
      new ClientNodeKubeApiFactory()
        .create({ kind: 'kubeconfig', kubeConfig: text, allowInsecureHttp: true }, settings)
        .close(),
    ).not.toThrow();
  });
});
