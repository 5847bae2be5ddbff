import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { SandboxServer } from '../src/sandbox/sandbox-server.js';
import { baseUrl, createTestApp, wsUrl } from './helpers/create-test-app.js';
import { WsTestClient } from './helpers/ws-client.js';

const ENCRYPTION_KEY = 'an-encryption-key-of-32-characters-or-more!';

/**
 * Input that used to reach the code as a 500, pass validation by a side door, or be answered in the wrong shape:
 * each gets a clear 4xx in the envelope.
 */
describe('bad input (e2e)', () => {
  let sandbox: SandboxServer;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    sandbox = await SandboxServer.start({ seed: 'demo', tls: true });
    app = await createTestApp({ env: { ENCRYPTION_KEY } });
    url = baseUrl(app);
    const body = { name: 'target', apiServer: sandbox.url, token: sandbox.token, caCert: sandbox.caPem };
    await request(url).post('/api/clusters').send(body).expect(201);
  });
  afterAll(async () => {
    await app?.close();
    await sandbox?.stop();
  });

  const expectValidationFailure = (body: unknown, field: string, message: string | RegExp) =>
    expect(body).toMatchObject({
      code: 400,
      reason: 'ValidationFailed',
      data: null,
      details: expect.arrayContaining([
        { field, message: typeof message === 'string' ? message : expect.stringMatching(message) },
      ]),
    });

  describe('integers', () => {
    it.each([
      { path: '/api/clusters/target/pods?page=9007199254740992', message: 'page must be an integer number' },
      { path: '/api/clusters?page=99999999999999999999', message: 'page must be an integer number' },
      { path: '/api/clusters/target/pods?page=1000001', message: 'page must not be greater than 1000000' },
      { path: '/api/clusters/target/namespaces?page=1000001', message: 'page must not be greater than 1000000' },
    ])('$path → 400 naming page', async ({ path, message }) => {
      const response = await request(url).get(path).expect(400);
      expectValidationFailure(response.body, 'page', message);
    });

    it('answers the last allowed page with no items and the real total', async () => {
      const response = await request(url).get('/api/clusters/target/pods?page=1000000').expect(200);
      expect(response.body.data).toMatchObject({
        items: [],
        page: 1000000,
        total: sandbox.cluster.list('pods').length,
      });
    });
  });

  describe('null', () => {
    it.each(['name', 'kubeConfig', 'caCert', 'token', 'apiServer', 'insecureSkipTlsVerify'])(
      'PUT {"%s": null} → 400 naming it, and the cluster keeps working',
      async (field) => {
        const response = await request(url)
          .put('/api/clusters/target')
          .send({ [field]: null })
          .expect(400);
        expect(response.body).toMatchObject({ code: 400, reason: 'ValidationFailed' });
        expect(response.body.details.map((detail: { field: string }) => detail.field)).toContain(field);
        const test = await request(url).post('/api/clusters/target/test').expect(200);
        expect(test.body.data).toMatchObject({ connected: true });
        const detail = await request(url).get('/api/clusters/target').expect(200);
        expect(detail.body.data).toMatchObject({ name: 'target', apiServer: sandbox.url });
      },
    );

    it('POST {"token": null} → 400: a cluster is never registered without its token', async () => {
      const response = await request(url)
        .post('/api/clusters')
        .send({ name: 'tokenless', apiServer: sandbox.url, token: null, caCert: sandbox.caPem })
        .expect(400);
      expectValidationFailure(response.body, 'token', 'token must be a string');
      await request(url).get('/api/clusters/tokenless').expect(404);
    });

    it('takes {"description": null} as "no description" (the one field where null means something)', async () => {
      await request(url).put('/api/clusters/target').send({ description: 'to be cleared' }).expect(200);
      const response = await request(url).put('/api/clusters/target').send({ description: null }).expect(200);
      expect(response.body.data.description).toBeNull();
    });

    it('refuses null in a WebSocket message', async () => {
      const client = await WsTestClient.connect(wsUrl(app, '/ws/clusters/target/pods/watch'));
      client.send({ type: 'subscribe', namespace: null });
      const error = await client.next('error');
      expect(error).toMatchObject({ code: 400, reason: 'ValidationFailed' });
      expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'namespace' })]));
      client.close();
    });
  });

  describe('reserved keys', () => {
    it.each(['__proto__', 'constructor'])('?%s=1 → 400 like any unknown parameter', async (key) => {
      for (const path of ['/api/clusters', '/api/clusters/target/pods', '/api/clusters/target/pods/facets']) {
        const response = await request(url).get(`${path}?${key}=1`).expect(400);
        expectValidationFailure(response.body, key, `property ${key} should not exist`);
      }
    });

    it.each(['__proto__', 'constructor'])('a body carrying "%s" → 400', async (key) => {
      const response = await request(url)
        .put('/api/clusters/target')
        .set('Content-Type', 'application/json')
        .send(`{"description":"x","${key}":{"isAdmin":true}}`)
        .expect(400);
      expectValidationFailure(response.body, key, `property ${key} should not exist`);
    });

    it('a WebSocket message carrying "__proto__" → error', async () => {
      const client = await WsTestClient.connect(wsUrl(app, '/ws/clusters/target/pods/watch'));
      client.send('{"type":"subscribe","__proto__":{"namespace":"kube-system"}}');
      await expect(client.next('error')).resolves.toMatchObject({ code: 400, reason: 'ValidationFailed' });
      client.close();
    });
  });

  describe('media types', () => {
    it.each([
      { label: 'a text/plain body', type: 'text/plain', body: '{"name":"x"}' },
      { label: 'a form body', type: 'application/x-www-form-urlencoded', body: 'name=x' },
    ])('$label → 415', async ({ type, body }) => {
      const response = await request(url).post('/api/clusters').set('Content-Type', type).send(body).expect(415);
      expect(response.body).toMatchObject({
        code: 415,
        reason: 'BadRequest',
        message: 'the request body must be JSON (Content-Type: application/json)',
        data: null,
      });
    });

    it('takes a bodiless POST whatever its Content-Type', async () => {
      await request(url).post('/api/clusters/target/test').set('Content-Type', 'text/plain').expect(200);
    });
  });

  describe('paths outside /api', () => {
    it.each(['/nope', '/favicon.ico', '/healthz/extra'])('%s → 404 in the envelope', async (path) => {
      const response = await request(url).get(path).expect(404);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toMatchObject({ code: 404, reason: 'NotFound', data: null, requestId: expect.any(String) });
    });
  });
});
