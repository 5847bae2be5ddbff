/**
 * The security suite (issue 19): the built service as its own process (dist/main.js, as production runs it) with
 * AUTH_MODE=jwt against an OIDC-style identity provider's key set (RS256 over HTTPS) and a grants file, attacked over
 * HTTP and WebSocket. Every attempt is refused with the right code, the refusals §6 audits are in the audit log, and
 * the cluster is unchanged: the tests read the simulator directly.
 */
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, SignJWT, UnsecuredJWT } from 'jose';
import WebSocket from 'ws';
import { FAST_TIMINGS, SandboxServer } from '../src/sandbox/sandbox-server.js';
import { FakeIdentityProvider, type ProviderKey } from './fakes/fake-identity-provider.js';
import { eventually } from './helpers/eventually.js';
import { podManifest } from './helpers/sandbox-pods.js';
import { startService, type ServiceProcess } from './helpers/service-process.js';
import { UpgradeRefused, WsTestClient } from './helpers/ws-client.js';

jest.setTimeout(60_000);

const AUDIENCE = 'pod-api';
const GRANTS = {
  grants: [
    { subject: { user: 'vic' }, role: 'viewer', clusters: ['sim'], namespaces: ['*'] },
    { subject: { user: 'olive' }, role: 'operator', clusters: ['sim'], namespaces: ['*'] },
    { subject: { user: 'ada' }, role: 'admin', clusters: ['*'], namespaces: ['*'] },
  ],
};
const DELETE_WEB = '/api/clusters/sim/namespaces/team-a/pods/web';
const EXEC_WEB = '/ws/clusters/sim/namespaces/team-a/pods/web/exec';

describe('security (e2e, the service as a process)', () => {
  let dir: string;
  let sandbox: SandboxServer;
  let idp: FakeIdentityProvider;
  let rsa: ProviderKey;
  let service: ServiceProcess;

  const now = () => Math.floor(Date.now() / 1000);
  /** A token of the provider's for `sub`, valid for this service unless `claims` say otherwise. */
  const token = (sub: string, claims: Record<string, unknown> = {}) => idp.sign(rsa, { sub, aud: AUDIENCE, ...claims });
  const bearer = (value: string | undefined): Record<string, string> =>
    value === undefined ? {} : { authorization: `Bearer ${value}` };
  const ws = (path: string) => `${service.url.replace('http', 'ws')}${path}`;
  const refusedUpgrade = async (connecting: Promise<unknown>) => {
    const error = await connecting.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(UpgradeRefused);
    return error as UpgradeRefused;
  };
  const simulatorStats = async () => {
    const response = await fetch(`${sandbox.url}/sandbox/stats`, { headers: bearer(sandbox.token) });
    return (await response.json()) as { execSessions: number };
  };
  /** The pod as the cluster has it, read from the simulator itself: untouched means not being deleted. */
  const expectWebUntouched = () => {
    expect(sandbox.cluster.pod('team-a', 'web')).toBeDefined();
    expect(sandbox.cluster.pod('team-a', 'web')?.metadata.deletionTimestamp).toBeUndefined();
  };
  const rawRequest = (method: string, path: string, headers: Record<string, string>) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const sent = request(`${service.url}${path}`, { method, headers }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      sent.path = path; // as written, dot segments and all
      sent.on('error', reject);
      sent.end();
    });
  const auditEntries = async (requestId: string) => {
    const response = await fetch(`${service.url}/api/audit?pageSize=500`, { headers: bearer(await token('ada')) });
    const { data } = (await response.json()) as { data: { items: { requestId: string }[] } };
    return data.items.filter((item) => item.requestId === requestId);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pod-api-security-e2e-'));
    sandbox = await SandboxServer.start({ seed: 'empty', timings: FAST_TIMINGS });
    sandbox.cluster.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    sandbox.cluster.create('pods', { ...podManifest('web'), metadata: { name: 'web', namespace: 'team-a' } });
    idp = await FakeIdentityProvider.start();
    rsa = await idp.addKey('rsa-1', 'RS256');
    const files = {
      kubeconfig: join(dir, 'sim.kubeconfig'),
      grants: join(dir, 'grants.json'),
      ca: join(dir, 'ca.pem'),
    };
    writeFileSync(files.kubeconfig, sandbox.kubeconfig({ contextName: 'sim' }));
    writeFileSync(files.grants, JSON.stringify(GRANTS));
    writeFileSync(files.ca, idp.caPem);
    service = await startService({
      SANDBOX: 'off',
      KUBECONFIG: files.kubeconfig,
      AUTH_MODE: 'jwt',
      AUTH_JWKS_URL: idp.jwksUrl,
      AUTH_JWT_ISSUER: idp.issuer,
      AUTH_JWT_AUDIENCE: AUDIENCE,
      AUTH_GRANTS_FILE: files.grants,
      WS_ALLOWED_ORIGINS: 'https://console.example.com',
      NODE_EXTRA_CA_CERTS: files.ca, // the provider's throw-away CA, trusted by the service's fetch
    });
  });
  afterAll(async () => {
    await service?.stop();
    await idp?.stop();
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lets the provider's own admin token in: the control for every refusal below", async () => {
    const response = await fetch(`${service.url}/api/clusters/sim/namespaces/team-a/pods/web`, {
      headers: bearer(await token('ada')),
    });
    expect(response.status).toBe(200);
  });

  describe.each([
    { label: 'no token', make: async () => undefined },
    { label: 'an expired token', make: () => token('ada', { exp: now() - 3600 }) },
    { label: 'a token not valid yet', make: () => token('ada', { nbf: now() + 3600 }) },
    {
      label: 'a wrong signature',
      make: async () =>
        idp.sign(
          { ...(await idp.addKey('x', 'RS256', { publish: false })), kid: 'rsa-1' },
          {
            sub: 'ada',
            aud: AUDIENCE,
          },
        ),
    },
    { label: 'a wrong issuer', make: () => token('ada', { iss: 'https://idp.example.com' }) },
    { label: 'a wrong audience', make: () => token('ada', { aud: 'another-api' }) },
    {
      label: 'alg none',
      make: async () => new UnsecuredJWT({ iss: idp.issuer, sub: 'ada', aud: AUDIENCE, exp: now() + 300 }).encode(),
    },
    {
      // The classic confusion: the public key, which anyone can fetch, used as an HMAC secret.
      label: 'HS256 signed with the RS256 public key',
      make: async () =>
        new SignJWT({ iss: idp.issuer, sub: 'ada', aud: AUDIENCE, exp: now() + 300 })
          .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
          .sign(new TextEncoder().encode(await exportSPKI(rsa.publicKey))),
    },
    {
      label: 'an unknown kid',
      make: async () => idp.sign(await idp.addKey('ghost', 'RS256', { publish: false }), { sub: 'ada', aud: AUDIENCE }),
    },
  ])("$label (an admin's claims otherwise)", ({ make }) => {
    it('is refused a delete with 401, and the pod stays', async () => {
      const sent = await make();
      const response = await fetch(`${service.url}${DELETE_WEB}`, { method: 'DELETE', headers: bearer(sent) });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      const body = await response.text();
      expect(JSON.parse(body)).toMatchObject({ code: 401, reason: 'Unauthorized', data: null });
      if (sent !== undefined) expect(body).not.toContain(sent);
      expectWebUntouched();
    });

    it('is refused a terminal with 401 before the upgrade, and no process starts', async () => {
      const sent = await make();
      const refused = await refusedUpgrade(WsTestClient.connect(ws(EXEC_WEB), { headers: bearer(sent) }));
      expect(refused.status).toBe(401);
      expect((await simulatorStats()).execSessions).toBe(0);
    });
  });

  it('refuses a viewer deleting a pod with 403, audited, and the pod stays', async () => {
    const response = await fetch(`${service.url}${DELETE_WEB}`, {
      method: 'DELETE',
      headers: { ...bearer(await token('vic')), 'x-request-id': 'sec-viewer-delete' },
    });
    expect(response.status).toBe(403);
    expectWebUntouched();
    expect(await auditEntries('sec-viewer-delete')).toEqual([
      expect.objectContaining({ caller: 'user:vic', action: 'access.denied', request: `DELETE ${DELETE_WEB}` }),
    ]);
  });

  it.each([
    { who: 'a viewer', sub: 'vic' },
    { who: 'an operator', sub: 'olive' },
  ])('refuses $who a terminal with 403 before the upgrade, audited, and no process starts', async ({ sub }) => {
    const requestId = `sec-terminal-${sub}`;
    const refused = await refusedUpgrade(
      WsTestClient.connect(ws(EXEC_WEB), { headers: { ...bearer(await token(sub)), 'x-request-id': requestId } }),
    );
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ reason: 'Forbidden', message: expect.stringContaining('admin') });
    expect((await simulatorStats()).execSessions).toBe(0);
    expect(await auditEntries(requestId)).toEqual([
      expect.objectContaining({ caller: `user:${sub}`, action: 'access.denied', request: `WS ${EXEC_WEB}` }),
    ]);
  });

  it('refuses an admin token in the query string while AUTH_QUERY_TOKEN is off, without echoing it', async () => {
    const admin = await token('ada');
    const refused = await refusedUpgrade(WsTestClient.connect(ws(`${EXEC_WEB}?access_token=${admin}`)));
    expect(refused.status).toBe(401);
    expect(refused.body).not.toContain(admin);
    expect((await simulatorStats()).execSessions).toBe(0);
  });

  it('refuses an admin terminal from a foreign Origin with 403 (cross-site WebSocket hijacking)', async () => {
    const refused = await refusedUpgrade(
      WsTestClient.connect(ws(EXEC_WEB), {
        headers: { ...bearer(await token('ada')), origin: 'https://evil.example.com' },
      }),
    );
    expect(refused.status).toBe(403);
    expect((await simulatorStats()).execSessions).toBe(0);
  });

  it.each(['..%2F..%2Fkube-system', '%2e%2e', '..', 'team-a%2F..%2Fkube-system', '.', '%2E%2E%2F'])(
    'refuses a path-traversal namespace (%s) with 400 before the cluster is asked',
    async (namespace) => {
      const requestId = `sec-traversal-${Buffer.from(namespace).toString('hex')}`;
      // Sent as written: fetch() would resolve the dot segments itself (the WHATWG URL rules), as browsers do.
      const { status, body } = await rawRequest('DELETE', `/api/clusters/sim/namespaces/${namespace}/pods/web`, {
        ...bearer(await token('ada')),
        'x-request-id': requestId,
      });
      expect(status).toBe(400);
      expect(JSON.parse(body)).toMatchObject({
        reason: 'ValidationFailed',
        details: [expect.objectContaining({ field: 'namespace' })],
      });
      expectWebUntouched();
      expect(await auditEntries(requestId)).toEqual([
        expect.objectContaining({ action: 'pod.delete', outcome: 'failed', reason: 'ValidationFailed' }),
      ]);
    },
  );

  it('refuses an oversized body with 413 in the envelope, and registers nothing', async () => {
    const admin = await token('ada');
    const response = await fetch(`${service.url}/api/clusters`, {
      method: 'POST',
      headers: { ...bearer(admin), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'huge', kubeConfig: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: 413, data: null });
    const clusters = await fetch(`${service.url}/api/clusters`, { headers: bearer(admin) });
    const { data } = (await clusters.json()) as { data: { items: { id: string }[] } };
    expect(data.items.map((item) => item.id)).toEqual(['sim']);
  });

  it('closes a terminal sent an oversized message with 1009, and its process with it', async () => {
    const socket = new WebSocket(ws(EXEC_WEB), { headers: bearer(await token('ada')) });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ type: 'input', data: 'x'.repeat(2 * 1024 * 1024) }));
    await expect(closed).resolves.toBe(1009); // Message Too Big
    await eventually(async () => expect((await simulatorStats()).execSessions).toBe(0));
  });
});
