import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { SandboxServer } from '../src/sandbox/sandbox-server.js';
import { startService, type LogRecord, type ServiceProcess } from './helpers/service-process.js';

interface Answer {
  status: number;
  body: { message?: string; reason?: string };
}

/** An HTTP request whose `sent` resolves once its whole body is written, so a second request can follow it. */
function send(url: string, method: string, path: string, body?: unknown) {
  let markSent!: () => void;
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  const answered = new Promise<Answer>((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const request = httpRequest(`${url}${path}`, {
      method,
      headers: payload === undefined ? {} : { 'content-type': 'application/json' },
    });
    request.once('finish', () => markSent());
    request.once('error', reject);
    request.once('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.once('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    request.end(payload);
  });
  return { sent, answered };
}

/** Ten thousand anchors, each referred to once by an alias: a cheap document that is costly to resolve. */
function aliasFloodKubeconfig(): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'current-context: x', 'preferences:'];
  for (let i = 0; i < 10_000; i++) lines.push(`  a${i}: &a${i} v`);
  lines.push('extensions:');
  for (let i = 0; i < 10_000; i++) lines.push(`- *a${i}`);
  return `${lines.join('\n')}\n`;
}

describe('clusters under hostile input (e2e, service process)', () => {
  let service: ServiceProcess;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pod-api-clusters-hardening-'));
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, 'apiVersion: v1\nkind: Config\n');
    service = await startService({ KUBECONFIG: empty, SANDBOX: 'off' });
  }, 30_000);
  afterAll(async () => {
    await service?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  // The work a kubeconfig may cost is bounded by size, token and depth limits (plain-yaml.spec.ts); here the service
  // refuses the flood by name while a /healthz sent during it is answered.
  it('refuses a kubeconfig full of YAML aliases, while /healthz keeps answering', async () => {
    const kubeConfig = aliasFloodKubeconfig();
    expect(kubeConfig.length).toBeGreaterThan(200_000);
    const registration = send(service.url, 'POST', '/api/clusters', { name: 'aliases', kubeConfig });
    await registration.sent;
    const health = send(service.url, 'GET', '/healthz').answered;
    const [refused, healthy] = await Promise.all([registration.answered, health]);
    expect(refused).toMatchObject({
      status: 400,
      body: { reason: 'BadRequest', message: expect.stringContaining('YAML anchors or aliases') },
    });
    expect(healthy.status).toBe(200);
  }, 30_000);
});

describe('registered clusters after ENCRYPTION_KEY changed (e2e, service process)', () => {
  const FIRST_KEY = 'the-first-encryption-key-of-the-store-0123456789';
  const SECOND_KEY = 'a-second-encryption-key-for-the-same-store-9876543210';
  let dir: string;
  let registered: SandboxServer;
  let configured: SandboxServer;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pod-api-changed-key-'));
    [registered, configured] = await Promise.all([
      SandboxServer.start({ seed: 'demo', tls: true }),
      SandboxServer.start({ seed: 'demo' }),
    ]);
    writeFileSync(join(dir, 'empty.yaml'), 'apiVersion: v1\nkind: Config\n');
    writeFileSync(join(dir, 'configured.yaml'), configured.kubeconfig({ contextName: 'kind-local' }));
    const first = await startService({
      DATABASE_URL: `sqlite:${join(dir, 'store.db')}`,
      ENCRYPTION_KEY: FIRST_KEY,
      KUBECONFIG: join(dir, 'empty.yaml'),
      SANDBOX: 'off',
    });
    try {
      for (const name of ['vault', 'stale'])
        await request(first.url).post('/api/clusters').send({ name, kubeConfig: registered.kubeconfig() }).expect(201);
    } finally {
      await first.stop();
    }
    service = await startService({
      DATABASE_URL: `sqlite:${join(dir, 'store.db')}`,
      ENCRYPTION_KEY: SECOND_KEY,
      KUBECONFIG: join(dir, 'configured.yaml'),
      SANDBOX: 'off',
    });
  }, 60_000);
  afterAll(async () => {
    await service?.stop('SIGKILL');
    await Promise.all([registered?.stop(), configured?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const event = (name: string) => (record: LogRecord) => (record.message as { event?: string })?.event === name;

  it('warns at start, once per unreadable cluster, naming ENCRYPTION_KEY but never a key', async () => {
    const warning = await service!.waitForLine(
      (record) =>
        event('cluster.credentials.unreadable')(record) &&
        (record.message as { clusterId?: string }).clusterId === 'vault',
    );
    expect(warning).toMatchObject({
      level: 'warn',
      message: { clusterId: 'vault', reason: expect.stringContaining('a different ENCRYPTION_KEY') },
    });
    const warnings = service!
      .output()
      .split('\n')
      .filter((line) => line.includes('cluster.credentials.unreadable'));
    expect(warnings).toHaveLength(2);
    expect(service!.output()).not.toContain(FIRST_KEY);
    expect(service!.output()).not.toContain(SECOND_KEY);
  });

  it('lists every cluster: the unreadable ones disconnected, the others working', async () => {
    const response = await request(service!.url).get('/api/clusters').expect(200);
    expect(response.body.data.items).toEqual([
      expect.objectContaining({ id: 'kind-local', source: 'kubeconfig', status: 'connected' }),
      expect.objectContaining({ id: 'vault', source: 'api', status: 'disconnected', apiServer: registered.url }),
      expect.objectContaining({ id: 'stale', source: 'api', status: 'disconnected' }),
    ]);
    const detail = await request(service!.url).get('/api/clusters/vault').expect(200);
    expect(detail.body.data).toMatchObject({ id: 'vault', status: 'disconnected' });
  });

  it('says why in the test of an unreadable cluster', async () => {
    const response = await request(service!.url).post('/api/clusters/vault/test').expect(200);
    expect(response.body.data).toEqual({
      connected: false,
      version: null,
      message:
        'credentials of cluster "vault" cannot be decrypted: they were encrypted with a different ENCRYPTION_KEY',
    });
  });

  it('answers requests to an unreadable cluster with 502 naming ENCRYPTION_KEY', async () => {
    const response = await request(service!.url).get('/api/clusters/vault/pods').expect(502);
    expect(response.body).toMatchObject({
      code: 502,
      reason: 'ClusterUnreachable',
      message: expect.stringContaining('a different ENCRYPTION_KEY'),
      data: null,
    });
    await request(service!.url).get('/api/clusters/kind-local/pods').expect(200);
    expect(service!.output()).not.toContain('request.failed'); // expected, so not logged as an unexpected error
  });

  it('deletes an unreadable cluster', async () => {
    await request(service!.url).delete('/api/clusters/stale').expect(200);
    await request(service!.url).get('/api/clusters/stale').expect(404);
  });

  it('refuses a partial credentials change on an unreadable cluster, and takes a whole new set', async () => {
    const put = (body: object) => request(service!.url).put('/api/clusters/vault').send(body);
    const partial = await put({ token: registered.token }).expect(409);
    expect(partial.body).toMatchObject({ reason: 'Conflict', message: expect.stringContaining('replace them whole') });
    const described = await put({ description: 'still unreadable' }).expect(200);
    expect(described.body.data).toMatchObject({ description: 'still unreadable', status: 'disconnected' });
    await put({ kubeConfig: registered.kubeconfig() }).expect(200);
    const test = await request(service!.url).post('/api/clusters/vault/test').expect(200);
    expect(test.body.data).toMatchObject({ connected: true });
  });
});
