/**
 * Hardening end to end: security headers on HTTP answers, per-caller rate limits on writes, new terminals and new log
 * streams (low limits set through the environment), and size limits on bodies and WebSocket messages — the real
 * application over real HTTP and WebSockets against the simulator, which the tests read directly to see that a
 * refused request changed nothing in the cluster. That a caller gets its budget back as the window slides is shown by
 * `src/rate-limit/rate-limiter.spec.ts`, on a clock that can be moved.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { FAST_TIMINGS, SandboxServer } from '../src/sandbox/sandbox-server.js';
import { writeAuthFiles } from './helpers/auth-fixtures.js';
import { baseUrl, createTestApp, wsUrl } from './helpers/create-test-app.js';
import { eventually } from './helpers/eventually.js';
import { LOG_EVERY_MS_ANNOTATION, LOGS_ANNOTATION, podManifest } from './helpers/sandbox-pods.js';
import { UpgradeRefused, WsTestClient } from './helpers/ws-client.js';

jest.setTimeout(60_000);

const WINDOW_SECONDS = 3600; // nothing leaves the window while the suite runs
const LIMIT = 2; // of each budget
const MAX_BODY_BYTES = 4096;

// Each test spends the budgets of its own callers. Every caller is an admin everywhere but `narrow`, an admin in
// namespace team-a only.
const CALLERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'narrow'] as const;
type CallerName = (typeof CALLERS)[number];
const tokenOf = (caller: CallerName) => `${caller}-token-0123456789`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const GRANTS = {
  tokens: CALLERS.map((name) => ({ name, sha256: sha256(tokenOf(name)) })),
  grants: [
    ...CALLERS.filter((name) => name !== 'narrow').map((name) => ({
      subject: { token: name },
      role: 'admin',
      clusters: ['*'],
      namespaces: ['*'],
    })),
    { subject: { token: 'narrow' }, role: 'admin', clusters: ['sim'], namespaces: ['team-a'] },
  ],
};

const PODS = [
  ...['a-0', 'a-1', 'a-2', 'a-3', 'shell', 'talker'].map((name) => ['default', name] as const),
  ...['t-0', 't-1', 't-2', 'shell'].map((name) => ['team-a', name] as const),
];

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none';frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

describe('hardening (e2e)', () => {
  let dir: string;
  let sandbox: SandboxServer;
  let app: INestApplication;
  let url: string;
  const clients: WsTestClient[] = [];

  const call = (method: string, path: string, caller: CallerName, body?: string) =>
    fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokenOf(caller)}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body,
    });
  const deletePod = (namespace: string, name: string, caller: CallerName) =>
    call('DELETE', `/api/clusters/sim/namespaces/${namespace}/pods/${name}`, caller);
  const connect = async (path: string, caller: CallerName) => {
    const client = await WsTestClient.connect(wsUrl(app, path), {
      headers: { authorization: `Bearer ${tokenOf(caller)}` },
    });
    clients.push(client);
    return client;
  };
  const terminal = (caller: CallerName, namespace = 'default') =>
    connect(`/ws/clusters/sim/namespaces/${namespace}/pods/shell/exec`, caller);
  const logStream = (caller: CallerName) => connect('/ws/clusters/sim/namespaces/default/pods/talker/logs', caller);
  const refusal = async (connecting: Promise<unknown>) => {
    const error = await connecting.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(UpgradeRefused);
    return error as UpgradeRefused;
  };
  /** Whether the simulator's pod is being deleted or gone. */
  const deleted = (namespace: string, name: string) => {
    const pod = sandbox.cluster.pod(namespace, name);
    return pod === undefined || pod.metadata.deletionTimestamp !== undefined;
  };
  const expectRetryAfter = (value: string | string[] | null | undefined) => {
    const seconds = Number(value);
    expect(Number.isInteger(seconds)).toBe(true);
    expect(seconds).toBeGreaterThan(WINDOW_SECONDS - 60);
    expect(seconds).toBeLessThanOrEqual(WINDOW_SECONDS);
    return seconds;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pod-api-hardening-e2e-'));
    sandbox = await SandboxServer.start({ seed: 'empty', timings: FAST_TIMINGS });
    sandbox.cluster.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    for (const [namespace, name] of PODS) {
      const annotations: Record<string, string> =
        name === 'talker' ? { [LOGS_ANNOTATION]: '["tick"]', [LOG_EVERY_MS_ANNOTATION]: '50' } : {};
      sandbox.cluster.create('pods', { ...podManifest(name), metadata: { name, namespace, annotations } });
    }
    const { kubeconfig, grantsFile } = writeAuthFiles(dir, sandbox, GRANTS);
    app = await createTestApp({
      env: {
        KUBECONFIG: kubeconfig,
        AUTH_MODE: 'token',
        AUTH_GRANTS_FILE: grantsFile,
        RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
        RATE_LIMIT_WRITES: String(LIMIT),
        RATE_LIMIT_TERMINALS: String(LIMIT),
        RATE_LIMIT_LOG_STREAMS: String(LIMIT),
        HTTP_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      },
    });
    url = baseUrl(app);
    await eventually(
      () => {
        for (const [namespace, name] of PODS)
          expect(sandbox.cluster.pod(namespace, name)?.status?.phase).toBe('Running');
      },
      { timeoutMs: 10_000 },
    );
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.socket.terminate();
  });
  afterAll(async () => {
    await app?.close();
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('security headers', () => {
    it("puts helmet's headers, with a CSP that lets an answer load nothing, on answers and refusals alike", async () => {
      const answers = [
        await fetch(`${url}/healthz`),
        await fetch(`${url}/api/clusters`), // 401 from the access guard
        await fetch(`${url}/api/nowhere`), // 404 from the router
        await call('POST', '/api/clusters', 'alice', 'x'.repeat(MAX_BODY_BYTES + 1)), // 413 from the body parser
      ];
      expect(answers.map((response) => response.status)).toEqual([200, 401, 404, 413]);
      for (const response of answers) {
        expect(
          Object.fromEntries(Object.keys(SECURITY_HEADERS).map((name) => [name, response.headers.get(name)])),
        ).toEqual(SECURITY_HEADERS);
        expect(response.headers.get('x-powered-by')).toBeNull();
      }
    });

    it('lets the API docs page load its scripts and styles from this origin, and nothing over a forced HTTPS', async () => {
      const page = await fetch(`${url}/api/docs`);
      expect(page.status).toBe(200);
      const csp = page.headers.get('content-security-policy') ?? '';
      const directives = Object.fromEntries(
        csp.split(';').map((directive) => {
          const [name, ...sources] = directive.trim().split(/\s+/);
          return [name, sources];
        }),
      );
      expect(directives['script-src']).toEqual(["'self'"]);
      expect(directives['style-src']).toContain("'unsafe-inline'"); // the page's own <style> and style= attributes
      expect(directives['img-src']).toEqual(["'self'", 'data:']);
      expect(directives['default-src']).toEqual(["'self'"]); // fetching the document, "Try it out"
      expect(directives).not.toHaveProperty('upgrade-insecure-requests');

      const html = await page.text();
      // script-src 'self' runs no inline script: every script of the page must be a file of this origin.
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>\s*\S/);
      const scripts = [...html.matchAll(/<script[^>]*\bsrc=["']([^"']+)["']/g)].map((match) => match[1]);
      const styles = [...html.matchAll(/<link[^>]*rel=["']stylesheet["'][^>]*href=["']([^"']+)["']/g)].map(
        (match) => match[1],
      );
      expect(scripts.length).toBeGreaterThanOrEqual(3);
      expect(styles.length).toBeGreaterThanOrEqual(1);
      for (const [path, type] of [
        ...scripts.map((src) => [src, 'javascript']),
        ...styles.map((href) => [href, 'css']),
      ]) {
        const asset = new URL(path, page.url);
        expect(asset.origin).toBe(new URL(url).origin);
        const response = await fetch(asset);
        expect({ path, status: response.status }).toEqual({ path, status: 200 });
        expect(response.headers.get('content-type')).toContain(type);
      }
    });
  });

  describe('writes', () => {
    it('refuses the write beyond the limit with 429 and Retry-After, leaving the pod as it was', async () => {
      for (const name of ['a-0', 'a-1']) expect((await deletePod('default', name, 'alice')).status).toBe(200);
      const refused = await deletePod('default', 'a-2', 'alice');
      expect(refused.status).toBe(429);
      const seconds = expectRetryAfter(refused.headers.get('retry-after'));
      expect(await refused.json()).toEqual({
        code: 429,
        reason: 'TooManyRequests',
        message: `too many changes: at most ${LIMIT} per ${WINDOW_SECONDS} s for each caller; try again in ${seconds} s`,
        data: null,
        requestId: expect.any(String),
      });
      expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
      const pod = sandbox.cluster.pod('default', 'a-2');
      expect(pod?.metadata.deletionTimestamp).toBeUndefined();
      expect(pod?.status?.phase).toBe('Running');
      await eventually(() => expect([deleted('default', 'a-0'), deleted('default', 'a-1')]).toEqual([true, true]));
    });

    it('counts every write route on one budget per caller, and another caller still gets through', async () => {
      expect((await call('POST', '/api/clusters/sim/test', 'bob')).status).toBe(200);
      expect((await deletePod('default', 'a-3', 'bob')).status).toBe(200);
      expect((await call('POST', '/api/clusters/sim/test', 'bob')).status).toBe(429);
      expect((await deletePod('default', 'a-2', 'bob')).status).toBe(429);
      expect(sandbox.cluster.pod('default', 'a-2')?.metadata.deletionTimestamp).toBeUndefined();

      expect((await deletePod('default', 'a-2', 'carol')).status).toBe(200);
      await eventually(() => expect(deleted('default', 'a-2')).toBe(true));
    });

    it('charges nothing for a write the access rules refuse', async () => {
      for (const name of ['a-3', 'shell', 'talker'])
        expect((await deletePod('default', name, 'narrow')).status).toBe(403);
      expect((await deletePod('team-a', 't-0', 'narrow')).status).toBe(200);
      expect((await deletePod('team-a', 't-1', 'narrow')).status).toBe(200);
      expect((await deletePod('team-a', 't-2', 'narrow')).status).toBe(429);
      expect(sandbox.cluster.pod('team-a', 't-2')?.metadata.deletionTimestamp).toBeUndefined();
    });

    it('charges nothing for a body over the size limit, answered 413 in the envelope', async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const response = await call(
          'POST',
          '/api/clusters',
          'dave',
          JSON.stringify({ name: 'x'.repeat(MAX_BODY_BYTES) }),
        );
        expect(response.status).toBe(413);
        expect(await response.json()).toEqual({
          code: 413,
          reason: 'BadRequest',
          message: 'the request body is too large',
          data: null,
          requestId: expect.any(String),
        });
      }
      expect((await call('POST', '/api/clusters/sim/test', 'dave')).status).toBe(200);
      expect((await call('POST', '/api/clusters/sim/test', 'dave')).status).toBe(200);
      expect((await call('POST', '/api/clusters/sim/test', 'dave')).status).toBe(429);
    });

    it('never limits reads', async () => {
      for (let read = 0; read < 5 * LIMIT; read++) {
        expect((await call('GET', '/api/clusters/sim/pods', 'alice')).status).toBe(200);
        expect((await call('GET', '/api/clusters/sim/namespaces/default/pods/shell', 'alice')).status).toBe(200);
      }
    });

    it('declares the 429 and its Retry-After on each write operation of the OpenAPI document, and on no read', async () => {
      const document = (await (await fetch(`${url}/api/openapi.json`)).json()) as {
        paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>>;
      };
      const limited: string[] = [];
      for (const [path, operations] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          const tooMany = operation.responses['429'];
          if (!tooMany) continue;
          limited.push(`${method.toUpperCase()} ${path}`);
          expect(tooMany.headers?.['Retry-After']).toMatchObject({ schema: { type: 'integer' } });
        }
      }
      expect(limited.sort()).toEqual([
        'DELETE /api/clusters/{clusterId}',
        'DELETE /api/clusters/{clusterId}/namespaces/{namespace}/pods/{name}',
        'POST /api/clusters',
        'POST /api/clusters/{clusterId}/test',
        'PUT /api/clusters/{clusterId}',
      ]);
    });
  });

  describe('terminals', () => {
    it('refuses the terminal beyond the limit before the upgrade, with 429 and Retry-After in the envelope', async () => {
      await terminal('erin');
      await terminal('erin');
      const refused = await refusal(terminal('erin'));
      expect(refused.status).toBe(429);
      const seconds = expectRetryAfter(refused.headers['retry-after']);
      expect(JSON.parse(refused.body)).toEqual({
        code: 429,
        reason: 'TooManyRequests',
        message: `too many new terminals: at most ${LIMIT} per ${WINDOW_SECONDS} s for each caller; try again in ${seconds} s`,
        data: null,
        requestId: expect.any(String),
      });
      const other = await terminal('frank');
      await other.until(() => other.joined('output').includes('/ # '));
    });

    it('charges nothing for an upgrade the access rules refuse', async () => {
      for (let attempt = 0; attempt < 3; attempt++) expect((await refusal(terminal('narrow'))).status).toBe(403);
      await terminal('narrow', 'team-a');
      await terminal('narrow', 'team-a');
      expect((await refusal(terminal('narrow', 'team-a'))).status).toBe(429);
    });
  });

  describe('log streams', () => {
    it('answers the subscribe beyond the limit with an error saying when to retry, and keeps the socket', async () => {
      const client = await logStream('grace');
      client.send({ type: 'subscribe', follow: true });
      await client.next('subscribed');
      client.send({ type: 'subscribe', follow: true, tailLines: 1 });
      await client.next('subscribed');
      client.send({ type: 'subscribe', follow: true });
      const error = await client.next('error');
      expect(error).toEqual({
        type: 'error',
        code: 429,
        reason: 'TooManyRequests',
        message: expect.stringMatching(
          new RegExp(
            `^too many new log streams: at most ${LIMIT} per ${WINDOW_SECONDS} s for each caller; try again in \\d+ s$`,
          ),
        ),
        retryAfterSeconds: expect.any(Number),
      });
      expectRetryAfter(String(error.retryAfterSeconds));

      // The socket stays open and answered.
      client.send({ type: 'subscribe', tailLines: -1 });
      await expect(client.next('error')).resolves.toMatchObject({ reason: 'ValidationFailed' });
      expect(client.closed).toBeUndefined();
      // The limit is the caller's, over all its sockets; opening one is not limited.
      const second = await logStream('grace');
      second.send({ type: 'subscribe', follow: true });
      await expect(second.next('error')).resolves.toMatchObject({ code: 429, reason: 'TooManyRequests' });
      // Another caller still gets its stream.
      const other = await logStream('frank');
      other.send({ type: 'subscribe', follow: true });
      await expect(other.next('subscribed')).resolves.toEqual({ type: 'subscribed', container: 'app' });
      await other.next('log');
    });
  });

  describe('WebSocket message size', () => {
    it('closes a log stream or a terminal sent a frame over 1 MiB with 1009 (Message Too Big)', async () => {
      for (const socket of [await logStream('bob'), await terminal('bob')]) {
        socket.send('x'.repeat(1024 * 1024 + 1));
        await expect(socket.waitClosed()).resolves.toMatchObject({ code: 1009 });
      }
    });
  });
});
