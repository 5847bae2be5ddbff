import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ClusterConnections } from '../src/clusters/cluster-connections.js';
import type { KubePod } from '../src/common/kube/kube-objects.js';
import { SandboxServer } from '../src/sandbox/sandbox-server.js';
import { baseUrl, createTestApp } from './helpers/create-test-app.js';
import { eventually } from './helpers/eventually.js';
import { LogCapture } from './helpers/log-capture.js';

const ENCRYPTION_KEY = 'an-encryption-key-of-32-characters-or-more!';

describe('clusters (e2e)', () => {
  let plain: SandboxServer;
  let secure: SandboxServer;
  let registered: SandboxServer;
  let app: INestApplication;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    [plain, secure, registered] = await Promise.all([
      SandboxServer.start({ seed: 'demo' }),
      SandboxServer.start({ seed: 'demo', tls: true }),
      SandboxServer.start({ seed: 'demo', tls: true }),
    ]);
    dir = mkdtempSync(join(tmpdir(), 'pod-api-clusters-'));
    writeFileSync(join(dir, 'plain.yaml'), plain.kubeconfig({ contextName: 'kind-plain' }));
    writeFileSync(
      join(dir, 'secure.yaml'),
      secure.kubeconfig({ contextName: 'arn:aws:eks:eu-west-1:123:cluster/secure' }),
    );
    app = await createTestApp({
      env: {
        KUBECONFIG: `${join(dir, 'plain.yaml')}:${join(dir, 'secure.yaml')}`,
        ENCRYPTION_KEY,
        KUBE_REQUEST_TIMEOUT_SECONDS: '2',
        CLUSTER_TEST_TIMEOUT_SECONDS: '2',
        KUBE_UNREACHABLE_HOLD_SECONDS: '30',
      },
    });
    url = baseUrl(app);
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([plain?.stop(), secure?.stop(), registered?.stop()]);
  });

  const secureId = () => expect.stringMatching(/^arn-aws-eks-eu-west-1-123-cluster-secure-[0-9a-f]{6}$/);

  describe('clusters from a kubeconfig file', () => {
    it('lists every context as a read-only cluster with its status from the live connection', async () => {
      const response = await request(url).get('/api/clusters').expect(200);
      expect(response.body.data.total).toBe(2);
      expect(response.body.data.items).toEqual([
        expect.objectContaining({
          id: 'kind-plain',
          name: 'kind-plain',
          source: 'kubeconfig',
          apiServer: plain.url,
          status: 'connected',
          version: expect.stringMatching(/^v1\.3\d\./),
          nodeCount: expect.any(Number),
          podCount: expect.any(Number),
        }),
        expect.objectContaining({
          id: secureId(),
          name: 'arn:aws:eks:eu-west-1:123:cluster/secure',
          source: 'kubeconfig',
          apiServer: secure.url,
          status: 'connected',
        }),
      ]);
      expect(response.body.data.items[0].podCount).toBe(plain.cluster.list('pods').length);
    });

    it('finds clusters by search and status', async () => {
      const bySearch = await request(url).get('/api/clusters?search=EKS').expect(200);
      expect(bySearch.body.data.items.map((cluster: { name: string }) => cluster.name)).toEqual([
        'arn:aws:eks:eu-west-1:123:cluster/secure',
      ]);
      const byStatus = await request(url).get('/api/clusters?status=disconnected').expect(200);
      expect(byStatus.body.data).toMatchObject({ items: [], total: 0 });
    });

    it.each([
      { method: 'put' as const, body: { name: 'renamed' } },
      { method: 'delete' as const, body: undefined },
    ])('refuses $method with 409', async ({ method, body }) => {
      const response = await request(url)[method]('/api/clusters/kind-plain').send(body).expect(409);
      expect(response.body).toMatchObject({
        code: 409,
        reason: 'Conflict',
        message: 'cluster "kind-plain" comes from a kubeconfig file and cannot be changed through the API',
      });
    });

    it('answers an unknown cluster with 404 ClusterNotFound and a malformed id with 400', async () => {
      const missing = await request(url).get('/api/clusters/nope').expect(404);
      expect(missing.body).toMatchObject({ reason: 'ClusterNotFound', message: 'cluster "nope" not found' });
      const bad = await request(url).get('/api/clusters/Bad_Id').expect(400);
      expect(bad.body).toMatchObject({
        reason: 'ValidationFailed',
        details: [{ field: 'clusterId', message: expect.stringContaining('clusterId must be a cluster id') }],
      });
    });

    it('tests a cluster', async () => {
      const response = await request(url).post('/api/clusters/kind-plain/test').expect(200);
      expect(response.body.data).toEqual({
        connected: true,
        version: expect.stringMatching(/^v1\./),
        message: 'connected',
      });
    });
  });

  describe('registered clusters', () => {
    it('registers a cluster from a kubeconfig, never returning its credentials', async () => {
      const created = await request(url)
        .post('/api/clusters')
        .send({ name: 'Registered One', description: 'over TLS', kubeConfig: registered.kubeconfig() })
        .expect(201);
      expect(created.body).toEqual({
        code: 201,
        message: 'success',
        data: { id: 'registered-one', name: 'Registered One' },
      });
      const detail = await request(url).get('/api/clusters/registered-one').expect(200);
      expect(detail.body.data).toMatchObject({
        id: 'registered-one',
        source: 'api',
        description: 'over TLS',
        apiServer: registered.url,
        status: 'connected',
      });
      const everything = JSON.stringify([detail.body, (await request(url).get('/api/clusters')).body]);
      expect(everything).not.toContain(registered.token);
      expect(everything).not.toMatch(/BEGIN CERTIFICATE|kubeConfig|token/);
    });

    it('registers a cluster from an API server URL, a token and a base64 CA', async () => {
      const body = {
        name: 'token-style',
        apiServer: registered.url,
        token: registered.token,
        caCert: Buffer.from(registered.caPem!).toString('base64'),
      };
      await request(url).post('/api/clusters').send(body).expect(201);
      const test = await request(url).post('/api/clusters/token-style/test').expect(200);
      expect(test.body.data).toMatchObject({ connected: true });
    });

    it('registers a base64 kubeconfig', async () => {
      await request(url)
        .post('/api/clusters')
        .send({ name: 'b64', kubeConfig: Buffer.from(registered.kubeconfig()).toString('base64') })
        .expect(201);
      await request(url).delete('/api/clusters/b64').expect(200);
    });

    it.each([
      {
        label: 'a malformed kubeconfig',
        body: { name: 'x1', kubeConfig: 'clusters: [\n  - oops' },
        message: 'kubeConfig is not a valid kubeconfig: not valid YAML',
      },
      {
        label: 'a kubeconfig without current context',
        body: { name: 'x2', kubeConfig: 'clusters: [{name: c, cluster: {server: "https://1.2.3.4"}}]\n' },
        message: 'kubeConfig has no current-context',
      },
      {
        label: 'bad base64',
        body: { name: 'x3', kubeConfig: 'not*base64' },
        message: 'kubeConfig is neither kubeconfig YAML nor valid base64',
      },
      {
        label: 'a plain-http apiServer without opt-in',
        body: { name: 'x4', apiServer: 'http://10.0.0.1:8080', token: 't' },
        message: expect.stringContaining('apiServer uses plain http'),
      },
      {
        label: 'an apiServer without token',
        body: { name: 'x5', apiServer: 'https://10.0.0.1' },
        message: 'token is required with apiServer',
      },
      { label: 'nothing to connect with', body: { name: 'x6' }, message: 'kubeConfig or apiServer is required' },
      {
        label: 'a password in apiServer',
        body: { name: 'x9', apiServer: 'https://admin:hunter2@10.0.0.1:6443', token: 't' },
        message: 'apiServer must not contain a user name or password',
      },
      {
        label: 'a kubeconfig that runs a command',
        body: { name: 'x7', kubeConfig: 'users: [{name: u, user: {exec: {command: id}}}]\nclusters: []\n' },
        message: expect.stringContaining('exec credential plugin'),
      },
      {
        label: 'a bad CA',
        body: {
          name: 'x8',
          apiServer: 'https://10.0.0.1',
          token: 't',
          caCert: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
        },
        message: 'caCert holds a certificate that cannot be parsed',
      },
    ])('refuses $label with 400', async ({ body, message }) => {
      const response = await request(url).post('/api/clusters').send(body).expect(400);
      expect(response.body).toMatchObject({ code: 400, reason: 'BadRequest', message });
    });

    it('validates the body', async () => {
      const response = await request(url)
        .post('/api/clusters')
        .send({ name: '', apiServer: 'ftp://x', insecureSkipTlsVerify: 'yes', extra: 1 })
        .expect(400);
      expect(response.body.details.map((detail: { field: string }) => detail.field).sort()).toEqual([
        'apiServer',
        'extra',
        'insecureSkipTlsVerify',
        'name',
      ]);
    });

    it('accepts a plain-http apiServer with the explicit opt-in', async () => {
      await request(url)
        .post('/api/clusters')
        .send({ name: 'plain-http', apiServer: plain.url, token: plain.token, insecureSkipTlsVerify: true })
        .expect(201);
      const test = await request(url).post('/api/clusters/plain-http/test').expect(200);
      expect(test.body.data.connected).toBe(true);
      await request(url).delete('/api/clusters/plain-http').expect(200);
    });

    it('refuses a duplicate name with 409', async () => {
      const response = await request(url)
        .post('/api/clusters')
        .send({ name: 'Registered One', kubeConfig: registered.kubeconfig() })
        .expect(409);
      expect(response.body).toMatchObject({ reason: 'Conflict' });
    });

    it('reports an unauthorised cluster as not connected, with the reason', async () => {
      await request(url)
        .post('/api/clusters')
        .send({ name: 'wrong-token', apiServer: registered.url, token: 'not-the-token', caCert: registered.caPem })
        .expect(201);
      const response = await request(url).post('/api/clusters/wrong-token/test').expect(200);
      expect(response.body.data).toEqual({
        connected: false,
        version: null,
        message: 'cluster "wrong-token" rejected the stored credentials',
      });
    });

    it('updates a cluster and rebuilds its connection', async () => {
      const updated = await request(url)
        .put('/api/clusters/wrong-token')
        .send({ token: registered.token, description: 'fixed' })
        .expect(200);
      expect(updated.body.data).toMatchObject({ id: 'wrong-token', description: 'fixed' });
      const response = await request(url).post('/api/clusters/wrong-token/test').expect(200);
      expect(response.body.data.connected).toBe(true);
    });

    it('refuses an update that puts a password into apiServer, without echoing it', async () => {
      const response = await request(url)
        .put('/api/clusters/wrong-token')
        .send({ apiServer: `https://admin:hunter2@${new URL(registered.url).host}` })
        .expect(400);
      expect(response.body).toMatchObject({ message: 'apiServer must not contain a user name or password' });
      const listed = await request(url).get('/api/clusters?search=wrong-token').expect(200);
      expect(JSON.stringify(listed.body)).not.toContain('hunter2');
    });

    it('deletes a cluster: its pod cache stops and it is gone', async () => {
      const connections = app.get(ClusterConnections);
      const connection = await connections.get('registered-one');
      await expect(connection.pods.waitForSync(5000)).resolves.toBe(true);
      await eventually(() => expect(registered.stats().watches).toBeGreaterThan(0));
      const watchesBefore = registered.stats().watches;
      const response = await request(url).delete('/api/clusters/registered-one').expect(200);
      expect(response.body).toEqual({ code: 200, message: 'Cluster deleted successfully', data: null });
      expect(connection.closed.aborted).toBe(true);
      await eventually(() => expect(registered.stats().watches).toBe(watchesBefore - 1));
      await request(url).get('/api/clusters/registered-one').expect(404);
    });
  });

  describe('unreachable clusters', () => {
    let silent: Server;
    let silentPort: number;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      silent = createServer((socket) => sockets.add(socket)); // accepts connections and never answers
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      silentPort = (silent.address() as { port: number }).port;
      await request(url)
        .post('/api/clusters')
        .send({ name: 'refusing', apiServer: 'https://127.0.0.1:1', token: 't' })
        .expect(201);
      await request(url)
        .post('/api/clusters')
        .send({ name: 'silent', apiServer: `https://127.0.0.1:${silentPort}`, token: 't' })
        .expect(201);
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('answers the test of a refusing cluster at once, with the reason', async () => {
      const response = await request(url).post('/api/clusters/refusing/test').expect(200);
      expect(response.body.data).toEqual({
        connected: false,
        version: null,
        message: 'cluster "refusing" could not be reached: connection refused',
      });
    });

    it('answers the test of a silent cluster within the bounded time', async () => {
      const started = Date.now();
      const response = await request(url).post('/api/clusters/silent/test').expect(200);
      expect(Date.now() - started).toBeLessThan(4000);
      expect(response.body.data).toMatchObject({
        connected: false,
        message: expect.stringMatching(
          /^cluster "silent" (did not answer in time|could not be reached: connection timed out)$/,
        ),
      });
    });

    it('fails its own requests fast once known unreachable, and never slows the others', async () => {
      const connection = await app.get(ClusterConnections).get('silent');
      await expect(connection.call((api) => api.version(), { caller: 'service' })).rejects.toMatchObject({
        status: expect.any(Number),
        reason: expect.stringMatching(/ClusterUnreachable|UpstreamTimeout/),
      });
      const started = Date.now();
      await expect(connection.call((api) => api.version(), { caller: 'service' })).rejects.toMatchObject({
        reason: expect.stringMatching(/ClusterUnreachable|UpstreamTimeout/),
      });
      expect(Date.now() - started).toBeLessThan(50);
      const healthy = Date.now();
      await request(url).post('/api/clusters/kind-plain/test').expect(200);
      expect(Date.now() - healthy).toBeLessThan(1000);
    });

    it('lists clusters without waiting on the unreachable ones for long, showing them disconnected', async () => {
      const started = Date.now();
      const response = await request(url).get('/api/clusters?search=silent').expect(200);
      expect(Date.now() - started).toBeLessThan(2500);
      expect(response.body.data.items[0]).toMatchObject({ id: 'silent', status: 'disconnected', version: null });
    });
  });

  describe('the pod cache under faults', () => {
    it('recovers from dropped watches and 500s and converges to the cluster state', async () => {
      const id = (await request(url).get('/api/clusters?search=cluster/secure')).body.data.items[0].id as string;
      const cache = (await app.get(ClusterConnections).get(id)).pods;
      await expect(cache.waitForSync(5000)).resolves.toBe(true);

      secure.faults.failNext({ status: 500, count: 6 });
      secure.faults.dropWatches();
      const template = secure.cluster.list('pods')[0] as unknown as KubePod;
      for (let i = 0; i < 5; i++) {
        secure.cluster.create('pods', {
          ...template,
          metadata: { name: `churn-${i}`, namespace: template.metadata.namespace, labels: { churn: 'yes' } },
          status: {},
        });
      }
      secure.faults.dropWatches();
      secure.cluster.delete('pods', template.metadata.namespace, 'churn-0', { gracePeriodSeconds: 0 });
      secure.faults.clear();

      await eventually(
        () => {
          const expected = new Map(
            (secure.cluster.list('pods') as unknown as KubePod[]).map((pod) => [
              `${pod.metadata.namespace}/${pod.metadata.name}`,
              pod.metadata.resourceVersion,
            ]),
          );
          const actual = new Map(
            [...cache.values()].map((pod) => [
              `${pod.metadata.namespace}/${pod.metadata.name}`,
              pod.metadata.resourceVersion,
            ]),
          );
          expect(actual).toEqual(expected);
          expect(cache.synced).toBe(true);
        },
        { timeoutMs: 20_000 },
      );
    });
  });

  describe('a cluster whose credentials cannot be loaded', () => {
    it('is listed as disconnected without breaking the list, and its requests fail with 502', async () => {
      const path = join(dir, 'vanishing.yaml');
      writeFileSync(path, plain.kubeconfig({ contextName: 'vanishing' }));
      const fragile = await createTestApp({ env: { KUBECONFIG: `${path}:${join(dir, 'plain.yaml')}` } });
      try {
        rmSync(path);
        const response = await request(baseUrl(fragile)).get('/api/clusters').expect(200);
        expect(response.body.data.items).toEqual([
          expect.objectContaining({ id: 'vanishing', status: 'disconnected' }),
          expect.objectContaining({ id: 'kind-plain', status: 'connected' }),
        ]);
        const test = await request(baseUrl(fragile)).post('/api/clusters/vanishing/test').expect(502);
        expect(test.body).toMatchObject({
          reason: 'ClusterUnreachable',
          message: 'the credentials of cluster "vanishing" could not be loaded',
        });
      } finally {
        await fragile.close();
      }
    });
  });

  describe('without an encryption key', () => {
    it('refuses to store credentials with 503 NotConfigured, an expected answer logged as no error', async () => {
      const logger = new LogCapture();
      const keyless = await createTestApp({
        env: { KUBECONFIG: join(dir, 'plain.yaml'), ENCRYPTION_KEY: undefined },
        logger,
      });
      try {
        const response = await request(baseUrl(keyless))
          .post('/api/clusters')
          .send({ name: 'nope', kubeConfig: registered.kubeconfig() })
          .expect(503);
        expect(response.body).toMatchObject({
          reason: 'NotConfigured',
          message: 'cannot store cluster credentials: ENCRYPTION_KEY is not configured',
        });
        expect(logger.atLevel('error')).toEqual([]);
        expect(logger.eventLines('request.failed')).toEqual([
          expect.objectContaining({
            level: 'warn',
            message: {
              event: 'request.failed',
              method: 'POST',
              path: '/api/clusters',
              status: 503,
              reason: 'NotConfigured',
              detail: 'cannot store cluster credentials: ENCRYPTION_KEY is not configured',
            },
          }),
        ]);
      } finally {
        await keyless.close();
      }
    });
  });

  describe('the built-in sandbox', () => {
    it('serves the simulator as cluster "sandbox" when no cluster is configured', async () => {
      const bare = await createTestApp({ env: { KUBECONFIG: join(dir, 'missing.yaml'), SANDBOX: 'auto' } });
      try {
        const response = await request(baseUrl(bare)).get('/api/clusters').expect(200);
        expect(response.body.data.items).toEqual([
          expect.objectContaining({
            id: 'sandbox',
            source: 'sandbox',
            status: 'connected',
            podCount: expect.any(Number),
          }),
        ]);
        expect(response.body.data.items[0].podCount).toBeGreaterThan(3);
        await request(baseUrl(bare)).delete('/api/clusters/sandbox').expect(409);
      } finally {
        await bare.close();
      }
    });

    it('stays off when a cluster is configured', async () => {
      const configured = await createTestApp({ env: { KUBECONFIG: join(dir, 'plain.yaml'), SANDBOX: 'auto' } });
      try {
        const response = await request(baseUrl(configured)).get('/api/clusters').expect(200);
        expect(response.body.data.items.map((cluster: { id: string }) => cluster.id)).toEqual(['kind-plain']);
      } finally {
        await configured.close();
      }
    });
  });
});
