import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import WebSocket from 'ws';
import { FoundationProbeModule } from './fixtures/foundation-probe.module.js';
import { baseUrl, createTestApp, wsUrl } from './helpers/create-test-app.js';
import { UpgradeRefused, WsTestClient } from './helpers/ws-client.js';

describe('foundation (e2e)', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    app = await createTestApp({ imports: [FoundationProbeModule], env: { WS_PING_INTERVAL_SECONDS: '1' } });
    url = baseUrl(app);
  });
  afterAll(async () => {
    await app.close();
  });

  describe('envelope', () => {
    it('wraps a success as {code, message, data}', async () => {
      const response = await request(url).get('/healthz').expect(200);
      expect(response.body).toEqual({ code: 200, message: 'success', data: { status: 'ok' } });
    });

    it('answers null data for a handler that returns nothing', async () => {
      const response = await request(url).get('/api/probe/nothing').expect(200);
      expect(response.body).toEqual({ code: 200, message: 'success', data: null });
    });

    it('sends data given as JSON text as it is, a string or encoded, with its length in bytes', async () => {
      for (const query of ['', '?force=true']) {
        const response = await fetch(`${url}/api/probe/json-text${query}`);
        const bytes = Buffer.from(await response.arrayBuffer());
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(Number(response.headers.get('content-length'))).toBe(bytes.length);
        expect(JSON.parse(bytes.toString('utf8'))).toEqual({
          code: 200,
          message: 'success',
          data: { greeting: 'héllo wörld ✓ 🚀', repeated: 'ü'.repeat(2000) },
        });
      }
    });

    it('answers HEAD for JSON text with the headers of GET and no body', async () => {
      const get = await fetch(`${url}/api/probe/json-text`);
      const head = await fetch(`${url}/api/probe/json-text`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'));
      expect(await head.text()).toBe('');
    });

    it('reports readiness', async () => {
      const response = await request(url).get('/readyz').expect(200);
      expect(response.body).toEqual({ code: 200, message: 'success', data: { status: 'ready' } });
    });
  });

  describe('validation', () => {
    it.each([
      { query: 'page=0', field: 'page', message: 'page must not be less than 1' },
      { query: 'pageSize=abc', field: 'pageSize', message: 'pageSize must be an integer number' },
      { query: 'pageSize=501', field: 'pageSize', message: 'pageSize must not be greater than 500' },
      { query: 'force=maybe', field: 'force', message: 'force must be a boolean value' },
      { query: 'gracePeriod=-1', field: 'gracePeriod', message: 'gracePeriod must not be less than 0' },
      { query: 'sneaky=1', field: 'sneaky', message: 'property sneaky should not exist' },
      { query: 'page[a]=1', field: 'page[a]', message: 'property page[a] should not exist' },
    ])('?$query → 400 ValidationFailed naming $field', async ({ query, field, message }) => {
      const response = await request(url).get(`/api/probe/query?${query}`).expect(400);
      expect(response.body).toMatchObject({
        code: 400,
        reason: 'ValidationFailed',
        data: null,
        requestId: expect.any(String),
      });
      expect(response.body.details).toContainEqual({ field, message });
    });

    it('lists every failing field', async () => {
      const response = await request(url).get('/api/probe/query?page=0&pageSize=abc&force=maybe&x=1').expect(400);
      expect(response.body.details.map((detail: { field: string }) => detail.field).sort()).toEqual([
        'force',
        'page',
        'pageSize',
        'x',
      ]);
      expect(response.body.message).toMatch(/^invalid request: /);
      for (const field of ['x', 'page', 'pageSize', 'force'])
        expect(response.body.message.split(/[:,] /)).toContain(field);
    });

    it.each([
      { query: 'force=false', expected: { force: false }, types: { force: 'boolean' } },
      { query: 'force=true', expected: { force: true }, types: { force: 'boolean' } },
      { query: 'gracePeriod=0', expected: { gracePeriod: 0 }, types: { gracePeriod: 'number' } },
      {
        query: 'page=2&pageSize=50',
        expected: { page: 2, pageSize: 50 },
        types: { page: 'number', pageSize: 'number' },
      },
      { query: '', expected: { page: 1, pageSize: 20 }, types: { page: 'number', pageSize: 'number' } },
    ])('?$query converts explicitly to $expected', async ({ query, expected, types }) => {
      const response = await request(url).get(`/api/probe/query?${query}`).expect(200);
      expect(response.body.data.query).toMatchObject(expected);
      expect(response.body.data.types).toMatchObject(types);
    });

    it('validates a JSON body', async () => {
      const response = await request(url)
        .post('/api/probe/body')
        .send({ name: 'far-too-long-a-name', extra: true })
        .expect(400);
      expect(response.body.details).toEqual(
        expect.arrayContaining([
          { field: 'extra', message: 'property extra should not exist' },
          { field: 'name', message: 'name must be shorter than or equal to 10 characters' },
        ]),
      );
    });

    it('answers malformed JSON with 400 BadRequest', async () => {
      const response = await request(url)
        .post('/api/probe/body')
        .set('Content-Type', 'application/json')
        .send('{"name":')
        .expect(400);
      expect(response.body).toMatchObject({
        code: 400,
        reason: 'BadRequest',
        message: 'the request body is not valid JSON',
        data: null,
      });
    });

    it('answers an oversized body with 413', async () => {
      const response = await request(url)
        .post('/api/probe/body')
        .send({ name: 'x'.repeat(2_000_000) })
        .expect(413);
      expect(response.body).toMatchObject({
        code: 413,
        reason: 'BadRequest',
        message: 'the request body is too large',
      });
    });
  });

  describe('errors', () => {
    it('answers an unknown route with a 404 envelope', async () => {
      const response = await request(url).get('/api/nowhere').expect(404);
      expect(response.body).toMatchObject({ code: 404, reason: 'NotFound', data: null, requestId: expect.any(String) });
    });

    it('passes an ApiError through with its reason', async () => {
      const response = await request(url).get('/api/probe/missing').expect(404);
      expect(response.body).toEqual({
        code: 404,
        reason: 'NotFound',
        message: 'pod "x" not found in namespace "default"',
        data: null,
        requestId: expect.any(String),
      });
    });

    it("passes the cluster's 403 on as 403 Forbidden", async () => {
      const response = await request(url).get('/api/probe/kube-forbidden').expect(403);
      expect(response.body).toMatchObject({
        code: 403,
        reason: 'Forbidden',
        message: expect.stringContaining('cannot list resource "pods"'),
      });
    });

    it('answers an unexpected error with a fixed 500 envelope, nothing internal in it', async () => {
      const response = await request(url).get('/api/probe/crash').expect(500);
      expect(response.body).toEqual({
        code: 500,
        reason: 'Internal',
        message: 'internal error',
        data: null,
        requestId: expect.any(String),
      });
      expect(JSON.stringify(response.body)).not.toMatch(/kubeconfig|at |stack/);
    });
  });

  describe('request ids', () => {
    it('echoes a safe X-Request-Id in the header and the error body', async () => {
      const response = await request(url).get('/api/probe/missing').set('X-Request-Id', 'portal-42.a').expect(404);
      expect(response.headers['x-request-id']).toBe('portal-42.a');
      expect(response.body.requestId).toBe('portal-42.a');
    });

    it('replaces an unsafe X-Request-Id with a fresh one', async () => {
      const response = await request(url)
        .get('/api/probe/missing')
        .set('X-Request-Id', 'evil id\twith spaces')
        .expect(404);
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.body.requestId).toBe(response.headers['x-request-id']);
    });

    it('gives every request its own id', async () => {
      const [a, b] = await Promise.all([request(url).get('/healthz'), request(url).get('/healthz')]);
      expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    });
  });

  describe('metrics', () => {
    it('counts requests and their latency by route pattern in Prometheus text format', async () => {
      await request(url).get('/api/probe/query?page=3').expect(200);
      await request(url).get('/api/probe/query?page=0').expect(400);
      const response = await request(url).get('/metrics').expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.text).toMatch(/^# TYPE http_requests_total counter$/m);
      expect(response.text).toMatch(
        /^http_requests_total\{method="GET",route="\/api\/probe\/query",status="200"\} [1-9]\d*$/m,
      );
      expect(response.text).toMatch(
        /^http_requests_total\{method="GET",route="\/api\/probe\/query",status="400"\} [1-9]\d*$/m,
      );
      expect(response.text).toMatch(
        /^http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/api\/probe\/query"\} \d+$/m,
      );
      expect(response.text).toMatch(/^process_cpu_seconds_total/m);
    });

    it('labels unmatched paths as one route, so labels stay bounded', async () => {
      await request(url).get('/api/random-1').expect(404);
      await request(url).get('/api/random-2').expect(404);
      const response = await request(url).get('/metrics').expect(200);
      expect(response.text).toMatch(/http_requests_total\{method="GET",route="unmatched",status="404"\} [2-9]/);
      expect(response.text).not.toContain('random-1');
    });
  });

  describe('OpenAPI', () => {
    it('serves an OpenAPI 3 document generated from the code', async () => {
      const response = await request(url).get('/api/openapi.json').expect(200);
      expect(response.body.openapi).toMatch(/^3\./);
      expect(response.body.info.title).toBe('Pod API');
      expect(response.body.paths['/healthz'].get.operationId).toBe('getHealth');
      expect(response.body.paths['/healthz'].get.responses['200'].content['application/json'].schema.allOf).toEqual(
        expect.arrayContaining([{ $ref: '#/components/schemas/Envelope' }]),
      );
      expect(response.body.components.schemas.ErrorEnvelope.properties.reason.enum).toContain('ClusterUnreachable');
      expect(response.body.paths['/api/probe/query'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
        expect.arrayContaining(['page', 'pageSize', 'force', 'gracePeriod']),
      );
    });

    it('serves a browsable UI', async () => {
      const response = await request(url).get('/api/docs').redirects(1).expect(200);
      expect(response.text).toContain('swagger-ui');
    });
  });

  describe('WebSocket routing', () => {
    it('routes a path with parameters to its gateway and hands it params and query', async () => {
      const client = await WsTestClient.connect(wsUrl(app, '/ws/test/rooms/blue%2Dsky/echo?follow=true&tail=5&tail=6'));
      const hello = await client.next('hello');
      expect(hello).toEqual({
        type: 'hello',
        pattern: '/ws/test/rooms/:room/echo',
        params: { room: 'blue-sky' },
        query: { follow: 'true', tail: '5' },
      });
      client.close();
    });

    it('routes a path without parameters', async () => {
      const client = await WsTestClient.connect(wsUrl(app, '/ws/test/plain'));
      await expect(client.next('hello')).resolves.toEqual({ type: 'hello' });
      client.close();
    });

    it('exchanges plain {"type": ...} JSON messages', async () => {
      const client = await WsTestClient.connect(wsUrl(app, '/ws/test/rooms/a/echo'));
      client.send({ type: 'echo', text: 'hi' });
      await expect(client.next('echoed')).resolves.toEqual({ type: 'echoed', text: 'hi' });
      client.send({ type: 'shout', text: 'hi' });
      await expect(client.next('shouted')).resolves.toEqual({ type: 'shouted', text: 'HI' });
      client.close();
    });

    it.each([
      { label: 'not JSON', frame: '{oops', reason: 'BadRequest', message: 'the message is not valid JSON' },
      {
        label: 'an unknown type',
        frame: '{"type":"dance"}',
        reason: 'BadRequest',
        message: 'unknown message type "dance"; expected one of: echo, reset',
      },
      {
        label: 'a bad field',
        frame: '{"type":"echo","text":5}',
        reason: 'ValidationFailed',
        message: 'invalid request: text',
      },
      {
        label: 'an unknown field',
        frame: '{"type":"reset","force":true}',
        reason: 'ValidationFailed',
        message: 'invalid request: force',
      },
    ])('answers $label with an error and keeps the socket open', async ({ frame, reason, message }) => {
      const client = await WsTestClient.connect(wsUrl(app, '/ws/test/rooms/a/echo'));
      client.send(frame);
      await expect(client.next('error')).resolves.toMatchObject({ type: 'error', code: 400, reason, message });
      client.send({ type: 'echo', text: 'still here' });
      await expect(client.next('echoed')).resolves.toEqual({ type: 'echoed', text: 'still here' });
      client.close();
    });

    it.each(['/ws/test/rooms/a/other', '/ws/nowhere', '/ws/test/rooms/a%2Fb/echo', '/ws/test/rooms//echo'])(
      'answers %s with 404 before the upgrade',
      async (path) => {
        const refusal = await WsTestClient.connect(wsUrl(app, path)).catch((error: unknown) => error);
        expect(refusal).toBeInstanceOf(UpgradeRefused);
        expect((refusal as UpgradeRefused).status).toBe(404);
        expect(JSON.parse((refusal as UpgradeRefused).body)).toMatchObject({
          code: 404,
          reason: 'NotFound',
          requestId: expect.any(String),
        });
      },
    );

    it('pings every socket', async () => {
      const client = await WsTestClient.connect(wsUrl(app, '/ws/test/plain'));
      await new Promise<void>((resolve) => client.socket.once('ping', () => resolve()));
      client.close();
    });

    it('drops a peer that stops answering pings', async () => {
      const socket = new WebSocket(wsUrl(app, '/ws/test/plain'), { autoPong: false });
      const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
      await expect(closed).resolves.toBe(1006); // terminated without a closing handshake
    }, 10_000);
  });
});
