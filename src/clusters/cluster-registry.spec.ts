import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { KubeSettings } from '../config/kube.config.js';
import type { StoredCluster } from './cluster-record.js';
import { CredentialsDecryptionError } from './credentials-cipher.js';
import { ClusterRegistry } from './cluster-registry.js';
import type { ClusterRegistryRepository } from './cluster-registry.repository.js';
import { SandboxLauncher, type RunningSandbox } from './sandbox-cluster.js';

const dir = mkdtempSync(join(tmpdir(), 'pod-api-registry-'));

function kubeconfigFile(name: string, contexts: string[]): string {
  const path = join(dir, name);
  const clusters = contexts
    .map((context, index) => `- name: c${index}\n  cluster: {server: "https://10.0.0.${index + 1}:6443"}`)
    .join('\n');
  const users = 'users:\n- name: u\n  user: {token: secret}';
  const contextEntries = contexts
    .map((context, index) => `- name: "${context}"\n  context: {cluster: c${index}, user: u}`)
    .join('\n');
  writeFileSync(
    path,
    `apiVersion: v1\nkind: Config\nclusters:\n${clusters}\n${users}\ncontexts:\n${contextEntries}\ncurrent-context: "${contexts[0]}"\n`,
  );
  return path;
}

class StubSandbox extends SandboxLauncher {
  started = 0;
  start(): Promise<RunningSandbox> {
    this.started++;
    return Promise.resolve({
      url: 'http://127.0.0.1:1',
      kubeconfig: 'apiVersion: v1\nkind: Config\n',
      stop: () => Promise.resolve(),
    });
  }
}

function repository(records: StoredCluster[] = []): ClusterRegistryRepository {
  return {
    list: () => Promise.resolve(records),
    count: () => Promise.resolve(records.length),
    get: (id: string) => Promise.resolve(records.find((record) => record.id === id)),
  } as unknown as ClusterRegistryRepository;
}

function settings(overrides: Partial<KubeSettings>): KubeSettings {
  return {
    kubeconfigPaths: [],
    kubeconfigExplicit: false,
    requestTimeoutMs: 1000,
    connectTimeoutMs: 1000,
    unreachableHoldMs: 1000,
    maxResponseBytes: 1 << 20,
    maxWatchLineBytes: 1 << 20,
    watchIdleTimeoutMs: 1000,
    testTimeoutMs: 1000,
    healthTtlMs: 1000,
    sandbox: 'auto',
    inCluster: false,
    impersonate: false,
    ...overrides,
  };
}

const stored: StoredCluster = {
  id: 'prod',
  name: 'prod',
  description: null,
  apiServer: 'https://10.9.9.9',
  credentials: { token: 't' },
  impersonate: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe(ClusterRegistry.name, () => {
  const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
  afterEach(() => {
    process.env.KUBERNETES_SERVICE_HOST = saved.host;
    process.env.KUBERNETES_SERVICE_PORT = saved.port;
    if (saved.host === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
    if (saved.port === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
  });

  it('turns every context of every kubeconfig file into a read-only cluster, the first file winning', async () => {
    const first = kubeconfigFile('a.yaml', ['kind-kind', 'arn:aws:eks:eu-west-1:1:cluster/prod']);
    const second = kubeconfigFile('b.yaml', ['kind-kind', 'minikube']);
    const registry = new ClusterRegistry(
      settings({ kubeconfigPaths: [first, second], kubeconfigExplicit: true }),
      repository(),
      new StubSandbox(),
    );
    await registry.onModuleInit();
    const entries = await registry.list();
    expect(
      entries.map(({ id, name, source, readOnly, apiServer }) => ({ id, name, source, readOnly, apiServer })),
    ).toEqual([
      { id: 'kind-kind', name: 'kind-kind', source: 'kubeconfig', readOnly: true, apiServer: 'https://10.0.0.1:6443' },
      {
        id: expect.stringMatching(/^arn-aws-eks-eu-west-1-1-cluster-prod-[0-9a-f]{6}$/),
        name: 'arn:aws:eks:eu-west-1:1:cluster/prod',
        source: 'kubeconfig',
        readOnly: true,
        apiServer: 'https://10.0.0.2:6443',
      },
      { id: 'minikube', name: 'minikube', source: 'kubeconfig', readOnly: true, apiServer: 'https://10.0.0.2:6443' },
    ]);
    expect(entries[0]).toHaveProperty('access', {
      kind: 'kubeconfig-file',
      path: first,
      context: 'kind-kind',
      allowInsecureHttp: true,
    });
  });

  it('lists the cluster it runs in when in-cluster configuration is present', async () => {
    process.env.KUBERNETES_SERVICE_HOST = '10.96.0.1';
    process.env.KUBERNETES_SERVICE_PORT = '443';
    const registry = new ClusterRegistry(settings({ inCluster: true }), repository(), new StubSandbox());
    await registry.onModuleInit();
    expect(await registry.list()).toEqual([
      expect.objectContaining({
        id: 'in-cluster',
        source: 'in-cluster',
        readOnly: true,
        apiServer: 'https://10.96.0.1:443',
        access: { kind: 'in-cluster' },
      }),
    ]);
  });

  it.each([
    { label: 'nothing configured, auto', overrides: {}, records: [], started: 1 },
    { label: 'a stored cluster, auto', overrides: {}, records: [stored], started: 0 },
    {
      label: 'a kubeconfig cluster, auto',
      overrides: { kubeconfigPaths: [kubeconfigFile('c.yaml', ['one'])] },
      records: [],
      started: 0,
    },
    { label: 'nothing configured, off', overrides: { sandbox: 'off' as const }, records: [], started: 0 },
    { label: 'a stored cluster, on', overrides: { sandbox: 'on' as const }, records: [stored], started: 1 },
  ])('starts the sandbox with $label: $started', async ({ overrides, records, started }) => {
    const sandbox = new StubSandbox();
    const registry = new ClusterRegistry(settings(overrides), repository(records), sandbox);
    await registry.onModuleInit();
    expect(sandbox.started).toBe(started);
    expect(
      (await registry.list()).some((entry) => entry.id === 'sandbox' && entry.source === 'sandbox' && entry.readOnly),
    ).toBe(started === 1);
  });

  it.each([true, false])(
    'gives the configured clusters KUBE_IMPERSONATE (%s) and the registered ones their own setting',
    async (impersonate) => {
      process.env.KUBERNETES_SERVICE_HOST = '10.96.0.1';
      process.env.KUBERNETES_SERVICE_PORT = '443';
      const registry = new ClusterRegistry(
        settings({
          kubeconfigPaths: [kubeconfigFile('i.yaml', ['kind-kind'])],
          inCluster: true,
          sandbox: 'on',
          impersonate,
        }),
        repository([
          { ...stored, id: 'strict', name: 'strict', impersonate: true },
          { ...stored, id: 'plain', name: 'plain', impersonate: false },
        ]),
        new StubSandbox(),
      );
      await registry.onModuleInit();
      expect((await registry.list()).map(({ id, impersonate }) => ({ id, impersonate }))).toEqual([
        { id: 'kind-kind', impersonate },
        { id: 'in-cluster', impersonate },
        { id: 'sandbox', impersonate },
        { id: 'strict', impersonate: true },
        { id: 'plain', impersonate: false },
      ]);
    },
  );

  it('stops the start when a kubeconfig named in KUBECONFIG cannot be read, naming the setting', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'clusters: [\n');
    const registry = new ClusterRegistry(
      settings({ kubeconfigPaths: [broken], kubeconfigExplicit: true }),
      repository(),
      new StubSandbox(),
    );
    await expect(registry.onModuleInit()).rejects.toThrow(`KUBECONFIG: the file ${broken} is not a valid kubeconfig`);
  });

  it('skips a broken default ~/.kube/config and an absent one', async () => {
    const broken = join(dir, 'broken-default.yaml');
    writeFileSync(broken, 'clusters: [\n');
    const registry = new ClusterRegistry(
      settings({ kubeconfigPaths: [broken, join(dir, 'absent')], sandbox: 'off' }),
      repository(),
      new StubSandbox(),
    );
    await registry.onModuleInit();
    expect(await registry.list()).toEqual([]);
  });

  it('answers ClusterNotFound for an unknown id', async () => {
    const registry = new ClusterRegistry(settings({ sandbox: 'off' }), repository([stored]), new StubSandbox());
    await registry.onModuleInit();
    await expect(registry.get('prod')).resolves.toMatchObject({
      id: 'prod',
      source: 'api',
      readOnly: false,
      access: { kind: 'token', apiServer: 'https://10.9.9.9', token: 't' },
    });
    await expect(registry.get('nope')).rejects.toMatchObject({ status: 404, reason: 'ClusterNotFound' });
  });
  describe('a registered cluster whose credentials cannot be read', () => {
    const unreadable = new CredentialsDecryptionError('they were encrypted with a different ENCRYPTION_KEY', 'vault');
    const { credentials: _credentials, ...fields } = stored;
    const records: StoredCluster[] = [stored, { ...fields, id: 'vault', name: 'vault', unreadable }];
    afterEach(() => jest.restoreAllMocks());

    it('is listed and described, marked unavailable, beside the usable ones', async () => {
      const registry = new ClusterRegistry(settings({ sandbox: 'off' }), repository(records), new StubSandbox());
      await registry.onModuleInit();
      expect(await registry.list()).toEqual([
        expect.objectContaining({ id: 'prod', access: expect.objectContaining({ kind: 'token' }) }),
        { ...fields, id: 'vault', name: 'vault', source: 'api', readOnly: false, unavailable: unreadable },
      ]);
      await expect(registry.describe('vault')).resolves.toMatchObject({ id: 'vault', unavailable: unreadable });
    });

    it('is refused, with the reason, to whoever wants to connect to it', async () => {
      const registry = new ClusterRegistry(settings({ sandbox: 'off' }), repository(records), new StubSandbox());
      await registry.onModuleInit();
      await expect(registry.get('vault')).rejects.toBe(unreadable);
      await expect(registry.get('prod')).resolves.toMatchObject({ id: 'prod' });
    });

    it('is reported at start, once, naming the cause', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const registry = new ClusterRegistry(settings({ sandbox: 'off' }), repository(records), new StubSandbox());
      await registry.onModuleInit();
      expect(warn.mock.calls).toEqual([
        [
          {
            event: 'cluster.credentials.unreadable',
            clusterId: 'vault',
            reason:
              'credentials of cluster "vault" cannot be decrypted: they were encrypted with a different ENCRYPTION_KEY',
          },
        ],
      ]);
    });
  });
});
