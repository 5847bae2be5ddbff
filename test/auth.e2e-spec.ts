/**
 * Identity and access end to end (api.md §6): the real application with AUTH_MODE=token,jwt and a grants file, over
 * real HTTP and WebSockets, against the simulator — which the tests read directly to see that a refused request
 * changed nothing in the cluster.
 */
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { FAST_TIMINGS, SandboxServer } from '../src/sandbox/sandbox-server.js';
import { signJwt, tokenEntry } from './helpers/auth-fixtures.js';
import { baseUrl, createTestApp, wsUrl } from './helpers/create-test-app.js';
import { eventually } from './helpers/eventually.js';
import { podManifest } from './helpers/sandbox-pods.js';
import { UpgradeRefused, WsTestClient } from './helpers/ws-client.js';

jest.setTimeout(60_000);

const SECRET = 'an-hs256-secret-of-at-least-32-bytes!!';
const TOKENS = { viewer: 'viewer-token-0123456789', operator: 'operator-token-0123456789', ops: 'ops-token-012345' };

const GRANTS = {
  tokens: Object.entries(TOKENS).map(([name, token]) => tokenEntry(name, token)),
  grants: [
    { subject: { token: 'viewer' }, role: 'viewer', clusters: ['sim'], namespaces: ['team-*'] },
    { subject: { token: 'operator' }, role: 'operator', clusters: ['sim'], namespaces: ['team-a'] },
    { subject: { token: 'ops' }, role: 'admin', clusters: ['*'], namespaces: ['*'] },
    { subject: { group: 'sre' }, role: 'viewer', clusters: ['sim'], namespaces: ['*'] },
  ],
};

/** An HS256 JWT for `sub`, valid now unless told otherwise. */
const jwt = (sub: string, claims: Record<string, unknown> = {}, expiresIn: string | number = '5m') =>
  signJwt(SECRET, sub, claims, expiresIn);

describe('identity and access (e2e)', () => {
  let dir: string;
  let sandbox: SandboxServer;
  let app: INestApplication;
  let url: string;

  const get = (path: string, token?: string, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  const del = (path: string, token?: string) =>
    fetch(`${url}${path}`, { method: 'DELETE', headers: token ? { authorization: `Bearer ${token}` } : {} });
  const refusal = async (connecting: Promise<unknown>) => {
    const error = await connecting.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(UpgradeRefused);
    return error as UpgradeRefused;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pod-api-auth-e2e-'));
    sandbox = await SandboxServer.start({ seed: 'empty', timings: FAST_TIMINGS });
    for (const namespace of ['team-a', 'team-b', 'secret']) {
      sandbox.cluster.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
      sandbox.cluster.create('pods', { ...podManifest('web'), metadata: { name: 'web', namespace } });
    }
    // Two clusters on the one simulator: `sim`, where the tokens hold grants, and `other`, where only `ops` does.
    const kubeconfig = ['sim', 'other']
      .map((contextName) => {
        const path = join(dir, `${contextName}.kubeconfig`);
        writeFileSync(path, sandbox.kubeconfig({ contextName }));
        return path;
      })
      .join(':');
    const grantsFile = join(dir, 'grants.json');
    writeFileSync(grantsFile, JSON.stringify(GRANTS));
    app = await createTestApp({
      env: {
        KUBECONFIG: kubeconfig,
        AUTH_MODE: 'token,jwt',
        AUTH_JWT_SECRET: SECRET,
        AUTH_GRANTS_FILE: grantsFile,
        WS_ALLOWED_ORIGINS: 'https://console.example.com',
      },
    });
    url = baseUrl(app);
    await eventually(
      () =>
        expect(['team-a', 'team-b', 'secret'].map((ns) => sandbox.cluster.pod(ns, 'web')?.status?.phase)).toEqual([
          'Running',
          'Running',
          'Running',
        ]),
      { timeoutMs: 10_000 },
    );
  });
  afterAll(async () => {
    await app?.close();
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('over HTTP', () => {
    it('answers a request without a token with 401, and the probes without one', async () => {
      const response = await get('/api/clusters/sim/namespaces/team-a/pods/web');
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: 401, reason: 'Unauthorized' });
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect((await get('/healthz')).status).toBe(200);
    });

    it.each([
      { label: 'an unknown token', token: 'not-a-token-of-ours' },
      { label: 'a JWT signed with another secret', token: 'forged' },
      { label: 'an expired JWT', token: 'expired' },
      { label: 'a JWT with alg none', token: 'none' },
    ])('refuses $label with 401', async ({ token }) => {
      const tokens: Record<string, () => Promise<string>> = {
        forged: () =>
          new SignJWT({})
            .setProtectedHeader({ alg: 'HS256' })
            .setSubject('alice')
            .setExpirationTime('5m')
            .sign(new TextEncoder().encode('another-secret-of-at-least-32-bytes!!')),
        expired: () => jwt('alice', {}, Math.floor(Date.now() / 1000) - 3600),
        none: async () =>
          `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
            JSON.stringify({ sub: 'alice', exp: Math.floor(Date.now() / 1000) + 300 }),
          ).toString('base64url')}.`,
      };
      const sent = tokens[token] ? await tokens[token]() : token;
      const response = await get('/api/clusters/sim/namespaces/team-a/pods/web', sent);
      expect(response.status).toBe(401);
      expect(JSON.stringify(await response.json())).not.toContain(sent);
    });

    it('lets a viewer read in the namespaces granted, and refuses the others with 403', async () => {
      expect((await get('/api/clusters/sim/namespaces/team-a/pods/web', TOKENS.viewer)).status).toBe(200);
      expect((await get('/api/clusters/sim/namespaces/team-b/pods/web/events', TOKENS.viewer)).status).toBe(200);
      expect((await get('/api/clusters/sim/pods?namespace=team-b', TOKENS.viewer)).status).toBe(200);
      const refused = await get('/api/clusters/sim/namespaces/secret/pods/web', TOKENS.viewer);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ reason: 'Forbidden', message: expect.stringContaining('viewer') });
      expect((await get('/api/clusters/other/namespaces/team-a/pods/web', TOKENS.viewer)).status).toBe(403);
    });

    it('refuses a viewer deleting a pod, and the pod stays', async () => {
      const response = await del('/api/clusters/sim/namespaces/team-a/pods/web', TOKENS.viewer);
      expect(response.status).toBe(403);
      expect(sandbox.cluster.pod('team-a', 'web')?.metadata.deletionTimestamp).toBeUndefined();
    });

    it('lets an operator delete in its namespace only', async () => {
      expect((await del('/api/clusters/sim/namespaces/team-b/pods/web', TOKENS.operator)).status).toBe(403);
      expect(sandbox.cluster.pod('team-b', 'web')?.metadata.deletionTimestamp).toBeUndefined();
      sandbox.cluster.create('pods', { ...podManifest('doomed'), metadata: { name: 'doomed', namespace: 'team-a' } });
      expect((await del('/api/clusters/sim/namespaces/team-a/pods/doomed', TOKENS.operator)).status).toBe(200);
      // Deleted: gone from the cluster (the fast timings end its grace period at once, so it may never be seen
      // terminating) and from the service's list, so that the counts of the next test hold still.
      await eventually(async () => {
        expect(sandbox.cluster.pod('team-a', 'doomed')).toBeUndefined();
        const response = await get('/api/clusters/sim/pods?namespace=team-a&pageSize=500', TOKENS.ops);
        const { data } = (await response.json()) as { data: { items: { name: string }[] } };
        expect(data.items.map((pod) => pod.name)).not.toContain('doomed');
      });
    });

    it('narrows cluster-wide lists, facets and namespaces to the namespaces granted, counts included', async () => {
      const namespacesOf = async (path: string, token: string) => {
        const response = await get(path, token);
        expect(response.status).toBe(200);
        return (await response.json()) as { data: Record<string, unknown> };
      };
      const list = (await namespacesOf('/api/clusters/sim/pods?pageSize=500', TOKENS.viewer)).data as {
        items: { namespace: string }[];
        total: number;
      };
      expect(new Set(list.items.map((pod) => pod.namespace))).toEqual(new Set(['team-a', 'team-b']));
      expect(list.total).toBe(list.items.length);
      const facets = (await namespacesOf('/api/clusters/sim/pods/facets', TOKENS.viewer)).data as {
        total: number;
        namespace: Record<string, number>;
      };
      expect(Object.keys(facets.namespace).sort()).toEqual(['team-a', 'team-b']);
      expect(facets.total).toBe(list.total);
      const namespaces = (await namespacesOf('/api/clusters/sim/namespaces', TOKENS.viewer)).data as {
        items: { name: string }[];
      };
      expect(namespaces.items.map((namespace) => namespace.name)).toEqual(['team-a', 'team-b']);
      // An admin sees every namespace; a caller with no grant in the cluster is refused.
      const all = (await namespacesOf('/api/clusters/sim/pods/facets', TOKENS.ops)).data as {
        namespace: Record<string, number>;
      };
      expect(Object.keys(all.namespace)).toContain('secret');
      expect((await get('/api/clusters/other/pods', TOKENS.viewer)).status).toBe(403);
    });

    it('lists only the clusters the caller holds a grant in, and keeps the registry to admins', async () => {
      const ids = async (token: string) => {
        const response = await get('/api/clusters', token);
        expect(response.status).toBe(200);
        return ((await response.json()) as { data: { items: { id: string }[] } }).data.items.map((item) => item.id);
      };
      expect(await ids(TOKENS.viewer)).toEqual(['sim']);
      expect((await ids(TOKENS.ops)).sort()).toEqual(['other', 'sim']);
      const register = await fetch(`${url}/api/clusters`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKENS.viewer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'sneaky', apiServer: 'https://127.0.0.1:1', token: 'x' }),
      });
      expect(register.status).toBe(403);
      expect((await get('/api/audit/sessions', TOKENS.operator)).status).toBe(403);
    });

    it('grants a JWT through its groups claim', async () => {
      const token = await jwt('carol', { groups: ['sre'] });
      expect((await get('/api/clusters/sim/pods', token)).status).toBe(200);
      expect((await get('/api/clusters/sim/pods', await jwt('dave', { groups: ['dev'] }))).status).toBe(403);
    });

    it('tells the caller who they are and what they may do (GET /api/auth/me)', async () => {
      const token = await jwt('carol', { groups: ['sre', 'dev'] });
      const response = await get('/api/auth/me', token);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { data: unknown }).data).toEqual({
        kind: 'user',
        name: 'carol',
        groups: ['sre', 'dev'],
        grants: [{ subject: { group: 'sre' }, role: 'viewer', clusters: ['sim'], namespaces: ['*'] }],
      });
      const me = await get('/api/auth/me', TOKENS.operator);
      expect(((await me.json()) as { data: unknown }).data).toMatchObject({
        kind: 'token',
        name: 'operator',
        groups: [],
      });
      expect((await get('/api/auth/me')).status).toBe(401);
    });
  });

  describe('over WebSocket', () => {
    const execPath = (namespace: string) => `/ws/clusters/sim/namespaces/${namespace}/pods/web/exec`;

    it('refuses an upgrade without a token with 401, before the upgrade', async () => {
      const error = await refusal(WsTestClient.connect(wsUrl(app, execPath('team-a'))));
      expect(error.status).toBe(401);
      const socket = new WebSocket(wsUrl(app, execPath('team-a')));
      const challenge = await new Promise<string | undefined>((resolve) =>
        socket.once('unexpected-response', (_request, response) => {
          resolve(response.headers['www-authenticate']);
          response.resume();
        }),
      );
      expect(challenge).toBe('Bearer');
      socket.on('error', () => undefined); // the refused upgrade, already checked
      socket.terminate();
    });

    it('refuses a viewer a terminal with 403, and opens an admin one, audited under its token', async () => {
      const refused = await refusal(
        WsTestClient.connect(wsUrl(app, execPath('team-a')), { headers: { authorization: `Bearer ${TOKENS.viewer}` } }),
      );
      expect(refused.status).toBe(403);
      const stats = await fetch(`${sandbox.url}/sandbox/stats`, {
        headers: { authorization: `Bearer ${sandbox.token}` },
      });
      expect(((await stats.json()) as { execSessions: number }).execSessions).toBe(0);

      const client = await WsTestClient.connect(wsUrl(app, execPath('team-a')), {
        headers: { authorization: `Bearer ${TOKENS.ops}`, 'x-request-id': 'auth-e2e-exec' },
      });
      await client.until(() => client.joined('output').includes('/ # '));
      client.send({ type: 'input', data: 'exit 0\r' });
      await expect(client.next('exit')).resolves.toEqual({ type: 'exit', code: 0 });
      await eventually(async () => {
        const response = await get('/api/audit/sessions?pod=web', TOKENS.ops);
        const { data } = (await response.json()) as { data: { items: { requestId: string; caller: string }[] } };
        expect(data.items.find((item) => item.requestId === 'auth-e2e-exec')?.caller).toBe('token:ops');
      });
    });

    it('takes the token from the bearer subprotocol and answers with that protocol', async () => {
      const protocol = `base64url.bearer.authorization.k8s.io.${Buffer.from(TOKENS.viewer).toString('base64url')}`;
      const socket = new WebSocket(wsUrl(app, '/ws/clusters/sim/namespaces/team-a/pods/web/logs'), [protocol]);
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      expect(socket.protocol).toBe(protocol);
      socket.close();
    });

    it('refuses a token in the query string while AUTH_QUERY_TOKEN is off', async () => {
      const error = await refusal(
        WsTestClient.connect(wsUrl(app, `/ws/clusters/sim/namespaces/team-a/pods/web/logs?access_token=${TOKENS.ops}`)),
      );
      expect(error.status).toBe(401);
      expect(error.body).not.toContain(TOKENS.ops);
    });

    it('refuses an upgrade from a foreign Origin with 403, and lets an allowed one in', async () => {
      const headers = { authorization: `Bearer ${TOKENS.viewer}` };
      const path = '/ws/clusters/sim/namespaces/team-a/pods/web/logs';
      const foreign = await refusal(
        WsTestClient.connect(wsUrl(app, path), { headers: { ...headers, origin: 'https://evil.example.net' } }),
      );
      expect(foreign.status).toBe(403);
      const allowed = await WsTestClient.connect(wsUrl(app, path), {
        headers: { ...headers, origin: 'https://console.example.com' },
      });
      allowed.close();
    });

    it('narrows the live pod list to the namespaces granted, and refuses it where none is', async () => {
      const headers = { authorization: `Bearer ${TOKENS.viewer}` };
      const client = await WsTestClient.connect(wsUrl(app, '/ws/clusters/sim/pods/watch'), { headers });
      client.send({ type: 'subscribe' });
      const snapshot = (await client.next('snapshot', { timeoutMs: 10_000 })) as unknown as {
        items: { namespace: string }[];
      };
      expect(new Set(snapshot.items.map((pod) => pod.namespace))).toEqual(new Set(['team-a', 'team-b']));
      client.close();
      const error = await refusal(WsTestClient.connect(wsUrl(app, '/ws/clusters/other/pods/watch'), { headers }));
      expect(error.status).toBe(403);
    });
  });
});

describe('without authentication (AUTH_MODE unset, on loopback) (e2e)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestApp({ env: { AUTH_MODE: undefined } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('takes every caller for anonymous, with every role everywhere', async () => {
    const response = await fetch(`${baseUrl(app)}/api/auth/me`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: unknown }).data).toEqual({
      kind: 'anonymous',
      name: 'anonymous',
      groups: [],
      grants: [{ subject: { user: 'anonymous' }, role: 'admin', clusters: ['*'], namespaces: ['*'] }],
    });
    expect((await fetch(`${baseUrl(app)}/api/clusters`)).status).toBe(200);
  });

  /** A GET with the Host header as given (fetch() sets Host itself). */
  const getWithHost = (host: string, path = '/api/clusters') =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const { port } = new URL(baseUrl(app));
      const sent = httpRequest({ host: '127.0.0.1', port, path, headers: { host } }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      sent.on('error', reject);
      sent.end();
    });

  it('answers only requests addressed to a loopback name, so DNS rebinding does not reach it', async () => {
    const { port } = new URL(baseUrl(app));
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      expect((await getWithHost(host)).status).toBe(200);
    }
    const rebound = await getWithHost(`rebind.example.com:${port}`);
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toMatchObject({ reason: 'Forbidden', requestId: expect.any(String) });
    expect((await getWithHost(`rebind.example.com:${port}`, '/healthz')).status).toBe(403);

    const upgrade = WsTestClient.connect(wsUrl(app, '/ws/clusters/sandbox/pods/watch'), {
      headers: { host: `rebind.example.com:${port}`, origin: `http://rebind.example.com:${port}` },
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const refused = await upgrade;
    expect(refused).toBeInstanceOf(UpgradeRefused);
    expect((refused as UpgradeRefused).status).toBe(403);
  });
});
