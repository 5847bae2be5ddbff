import { ApiError } from '../../common/errors/api-error.js';
import { ClientNodeKubeApiFactory } from './client-node-kube-api.js';
import { KUBECONFIG_LIMITS, loadKubeconfig } from './kubeconfig.js';

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

describe('loadKubeconfig, on credentials from the host', () => {
  const withUser = (user: string) =>
    `clusters: [{name: c, cluster: {server: "https://1.2.3.4"}}]\nusers: [{name: u, user: {${user}}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`;

  it('accepts inline credentials', () => {
    expect(() => loadKubeconfig(kubeconfig(), { requireCurrentContext: true })).not.toThrow();
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
    {
      label: 'a client key file',
      user: 'client-key: /etc/ssl/private/x.key',
      problem: 'refers to a client key file (client-key)',
    },
    { label: 'a quoted key', user: '"exec": {command: id}', problem: 'uses an exec credential plugin (exec)' },
    {
      label: 'a key spelled with escapes',
      user: '"\\x65x\\u0065c": {command: id}',
      problem: 'uses an exec credential plugin (exec)',
    },
  ])('refuses $label before client-node reads it', ({ user, problem }) => {
    expect(() => loadKubeconfig(withUser(user))).toThrow(
      `kubeConfig ${problem}; only inline credentials can be registered`,
    );
  });

  it('refuses a certificate-authority file', () => {
    const text = 'clusters: [{name: c, cluster: {server: "https://1.2.3.4", certificate-authority: /etc/passwd}}]\n';
    expect(() => loadKubeconfig(text)).toThrow(
      'kubeConfig refers to a certificate-authority file (certificate-authority)',
    );
  });

  it('refuses an exec plugin written as JSON', () => {
    const text = JSON.stringify({
      clusters: [{ name: 'c', cluster: { server: 'https://1.2.3.4' } }],
      users: [{ name: 'u', user: { exec: { command: 'id' } } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    });
    expect(() => loadKubeconfig(text)).toThrow('kubeConfig uses an exec credential plugin (exec)');
  });

  it('reads a kubeconfig written as JSON', () => {
    const text = JSON.stringify({
      clusters: [{ name: 'c', cluster: { server: 'https://1.2.3.4' } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    });
    expect(loadKubeconfig(text, { requireCurrentContext: true }).getCurrentUser()).toMatchObject({ token: 't' });
  });

  // Whatever client-node's own YAML parser could read as a field must be refused before it gets the chance.
  it.each([
    {
      label: 'a merge key (<<) holding exec',
      text: withUser('<<: {exec: {command: id}}'),
      message: 'kubeConfig uses a YAML merge key (<<), which kubeconfigs never need',
    },
    {
      label: 'a quoted merge key holding exec',
      text: withUser('"<<": {exec: {command: id}}'),
      message: 'kubeConfig uses a YAML merge key (<<), which kubeconfigs never need',
    },
    {
      label: 'a !!merge tag',
      text: withUser('!!merge "<<": {exec: {command: id}}'),
      message: 'kubeConfig uses a YAML tag (!), which kubeconfigs never need',
    },
    {
      label: 'exec from an anchored mapping',
      text: `defaults: &d {exec: {command: id}}\n${withUser('<<: *d')}`,
      message: 'kubeConfig uses YAML anchors or aliases (& and *), which kubeconfigs never need',
    },
    {
      label: 'exec as an alias value',
      text: withUser('token: t, exec: *e'),
      message: 'kubeConfig uses YAML anchors or aliases (& and *), which kubeconfigs never need',
    },
    {
      label: 'a custom tag',
      text: withUser('exec: !plugin {command: id}'),
      message: 'kubeConfig uses a YAML tag (!), which kubeconfigs never need',
    },
    {
      label: 'a !!binary value',
      text: withUser('token: !!binary dG9rZW4='),
      message: 'kubeConfig uses a YAML tag (!), which kubeconfigs never need',
    },
    {
      label: 'a %YAML 1.1 directive (merge keys on in YAML 1.1)',
      text: `%YAML 1.1\n---\n${withUser('<<: {exec: {command: id}}')}`,
      message: 'kubeConfig uses a YAML directive (%), which kubeconfigs never need',
    },
    {
      label: 'the user repeated (one parser keeps the first, another the last)',
      text: `clusters: [{name: c, cluster: {server: "https://1.2.3.4"}}]\nusers:\n- name: u\n  user: {token: t}\n  user: {exec: {command: id}}\n`,
      message: 'kubeConfig is not a valid kubeconfig: a key is repeated within one mapping',
    },
    {
      label: 'a field repeated in quoted and plain form',
      text: withUser('token: t, "token": u'),
      message: 'kubeConfig is not a valid kubeconfig: a key is repeated within one mapping',
    },
    {
      label: 'a second document',
      text: `${kubeconfig()}---\n${withUser('exec: {command: id}')}`,
      message: 'kubeConfig is not a valid kubeconfig: it holds more than one YAML document',
    },
    {
      label: 'a text that is not a mapping',
      text: '- clusters: []\n',
      message: 'kubeConfig is not a valid kubeconfig: it is not a YAML mapping',
    },
  ])('refuses $label', ({ text, message }) => {
    expect(() => loadKubeconfig(text)).toThrow(
      expect.objectContaining({ status: 400, reason: 'BadRequest', message }) as ApiError,
    );
  });

  it.each([
    {
      label: 'over the size limit',
      text: kubeconfig(`preferences: {note: "${'x'.repeat(KUBECONFIG_LIMITS.maxBytes)}"}\n`),
      message: 'kubeConfig is larger than the limit of 512 KiB',
    },
    {
      label: 'with too many tokens',
      text: kubeconfig(`extensions: [${'1,'.repeat(KUBECONFIG_LIMITS.maxTokens)}]\n`),
      message: `kubeConfig has more than ${KUBECONFIG_LIMITS.maxTokens} YAML tokens, which kubeconfigs never need`,
    },
    {
      label: 'nested too deep',
      text: kubeconfig(`extensions: ${'['.repeat(KUBECONFIG_LIMITS.maxDepth + 1)}\n`),
      message: `kubeConfig nests collections more than ${KUBECONFIG_LIMITS.maxDepth} levels deep, which kubeconfigs never need`,
    },
  ])('refuses a kubeconfig $label', ({ text, message }) => {
    expect(() => loadKubeconfig(text)).toThrow(expect.objectContaining({ status: 400, message }) as ApiError);
  });

  it('accepts a kubeconfig of the largest size', () => {
    const base = kubeconfig('current-context: edge\npreferences: {note: ""}\n');
    const padded = base.replace('note: ""', `note: "${'x'.repeat(KUBECONFIG_LIMITS.maxBytes - base.length)}"`);
    expect(padded).toHaveLength(KUBECONFIG_LIMITS.maxBytes);
    expect(() => loadKubeconfig(padded, { requireCurrentContext: true })).not.toThrow();
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
