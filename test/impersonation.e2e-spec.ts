/**
 * Impersonation end to end (api.md §6): the real application with AUTH_MODE=token,jwt and a grants file that lets
 * every caller here delete and open terminals, against a simulator where some users and a group are read-only. On a
 * cluster that impersonates, the simulator's rule applies to each caller on top of the grants; on one that does not,
 * the service's credentials do everything the grants allow. The simulator is read directly to see that a refused
 * delete changed nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { FAST_TIMINGS, SandboxServer } from '../src/sandbox/sandbox-server.js';
import { signJwt, tokenEntry, writeAuthFiles } from './helpers/auth-fixtures.js';
import { baseUrl, createTestApp, wsUrl } from './helpers/create-test-app.js';
import { eventually } from './helpers/eventually.js';
import { podManifest, scriptedLogs } from './helpers/sandbox-pods.js';
import { WsTestClient } from './helpers/ws-client.js';

jest.setTimeout(60_000);

const SECRET = 'an-hs256-secret-of-at-least-32-bytes!!';
const ENCRYPTION_KEY = 'an-encryption-key-of-32-characters-or-more!';
const TOKENS = { auditor: 'auditor-token-0123456789', ops: 'ops-token-0123456789' };
const everywhere = { clusters: ['*'], namespaces: ['*'] };
const GRANTS = {
  tokens: Object.entries(TOKENS).map(([name, token]) => tokenEntry(name, token)),
  grants: [
    { subject: { user: 'rita' }, role: 'admin', ...everywhere },
    { subject: { user: 'dave' }, role: 'admin', ...everywhere },
    { subject: { group: 'auditors' }, role: 'admin', ...everywhere },
    { subject: { token: 'auditor' }, role: 'operator', ...everywhere },
    { subject: { token: 'ops' }, role: 'admin', ...everywhere },
  ],
};
const NAMESPACE = 'team-a';

describe('impersonation (e2e)', () => {
  let dir: string;
  let sandbox: SandboxServer;
  let app: INestApplication;
  let url: string;
  const clients: WsTestClient[] = [];

  const as = async (sub: string, groups: string[] = []) =>
    `Bearer ${await signJwt(SECRET, sub, groups.length > 0 ? { groups } : {})}`;
  const request = (method: string, path: string, authorization: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const podPath = (cluster: string, pod: string) => `/api/clusters/${cluster}/namespaces/${NAMESPACE}/pods/${pod}`;
  let pods = 0;
  /** A new running pod in the simulator that logs one line, for one test to delete or keep. */
  const aRunningPod = async (prefix: string) => {
    const name = `${prefix}-${++pods}`;
    const annotations = scriptedLogs({ app: [`hello from ${name}`] });
    sandbox.cluster.create('pods', { ...podManifest(name), metadata: { name, namespace: NAMESPACE, annotations } });
    await eventually(() => expect(sandbox.cluster.pod(NAMESPACE, name)?.status?.phase).toBe('Running'), {
      timeoutMs: 10_000,
    });
    return name;
  };
  const deletionRequested = (pod: string) => sandbox.cluster.pod(NAMESPACE, pod)?.metadata.deletionTimestamp;
  const expectRefusedDelete = async (cluster: string, authorization: string, user: string) => {
    const pod = await aRunningPod('kept');
    const response = await request('DELETE', podPath(cluster, pod), authorization);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message: `pods "${pod}" is forbidden: User "${user}" cannot delete resource "pods" in API group "" in the namespace "${NAMESPACE}"`,
    });
    expect(sandbox.cluster.pod(NAMESPACE, pod)).toBeDefined();
    expect(deletionRequested(pod)).toBeUndefined();
  };
  const expectDeleted = async (cluster: string, authorization: string) => {
    const pod = await aRunningPod('doomed');
    const response = await request('DELETE', podPath(cluster, pod), authorization);
    expect(response.status).toBe(200);
    await eventually(() => expect(deletionRequested(pod) ?? 'gone').toBeTruthy());
  };
  const connect = async (path: string, authorization: string) => {
    const client = await WsTestClient.connect(wsUrl(app, path), { headers: { authorization } });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pod-api-impersonation-e2e-'));
    sandbox = await SandboxServer.start({
      seed: 'empty',
      timings: FAST_TIMINGS,
      readOnlyUsers: ['rita', 'token:auditor'],
      readOnlyGroups: ['auditors'],
    });
    sandbox.cluster.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
    const { kubeconfig, grantsFile } = writeAuthFiles(dir, sandbox, GRANTS);
    app = await createTestApp({
      env: {
        KUBECONFIG: kubeconfig,
        KUBE_IMPERSONATE: 'on',
        AUTH_MODE: 'token,jwt',
        AUTH_JWT_SECRET: SECRET,
        AUTH_GRANTS_FILE: grantsFile,
        ENCRYPTION_KEY,
      },
    });
    url = baseUrl(app);
    const ops = `Bearer ${TOKENS.ops}`;
    // `no-rights` reaches the simulator with its read-only token, which may not impersonate.
    for (const [name, impersonate, token] of [
      ['plain', undefined, sandbox.token],
      ['strict', true, sandbox.token],
      ['no-rights', true, sandbox.readOnlyToken],
    ] as const) {
      const registered = await request('POST', '/api/clusters', ops, {
        name,
        kubeConfig: sandbox.kubeconfig({ contextName: name, token }),
        insecureSkipTlsVerify: true, // the simulator speaks plain http here
        ...(impersonate === undefined ? {} : { impersonate }),
      });
      expect(registered.status).toBe(201);
    }
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await app?.close();
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows on every cluster whether it impersonates: KUBE_IMPERSONATE for the kubeconfig one', async () => {
    const response = await request('GET', '/api/clusters', `Bearer ${TOKENS.ops}`);
    const { data } = (await response.json()) as { data: { items: { id: string; impersonate: boolean }[] } };
    expect(data.items.map(({ id, impersonate }) => ({ id, impersonate }))).toEqual([
      { id: 'sim', impersonate: true },
      { id: 'plain', impersonate: false },
      { id: 'strict', impersonate: true },
      { id: 'no-rights', impersonate: true },
    ]);
  });

  it('refuses a non-boolean impersonate on registration, naming the field', async () => {
    const response = await request('POST', '/api/clusters', `Bearer ${TOKENS.ops}`, {
      name: 'odd',
      kubeConfig: sandbox.kubeconfig(),
      insecureSkipTlsVerify: true,
      impersonate: 'yes',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      reason: 'ValidationFailed',
      details: [{ field: 'impersonate', message: expect.any(String) as string }],
    });
  });

  describe('on a cluster that impersonates', () => {
    it('answers a read-only user’s delete, which the grants allow, with the cluster’s 403; the pod stays', async () => {
      await expectRefusedDelete('sim', await as('rita'), 'rita');
    });

    it('answers a read-only group’s member the same way, naming the member', async () => {
      await expectRefusedDelete('sim', await as('carol', ['auditors']), 'carol');
    });

    it('impersonates an API token as token:<name>', async () => {
      await expectRefusedDelete('sim', `Bearer ${TOKENS.auditor}`, 'token:auditor');
    });

    it('lets a caller the cluster does not restrict delete', async () => {
      await expectDeleted('sim', await as('dave', ['devs']));
    });

    it('lets the read-only user read: the pod, its events, its log, the log file and the live log', async () => {
      const pod = await aRunningPod('readable');
      const rita = await as('rita');
      const read = async (path: string) => {
        const response = await request('GET', `${podPath('sim', pod)}${path}`, rita);
        expect({ path, status: response.status }).toEqual({ path, status: 200 });
        return response;
      };
      await expect((await read('')).json()).resolves.toMatchObject({ data: { name: pod, namespace: NAMESPACE } });
      await expect((await read('/events')).json()).resolves.toMatchObject({ data: expect.any(Array) as unknown[] });
      await expect((await read('/logs')).json()).resolves.toMatchObject({
        data: { container: 'app', logs: `hello from ${pod}\n` },
      });
      await expect((await read('/logs/download')).text()).resolves.toBe(`hello from ${pod}\n`);
      const client = await connect(`/ws/clusters/sim/namespaces/${NAMESPACE}/pods/${pod}/logs`, rita);
      client.send({ type: 'subscribe' });
      await expect(client.next('subscribed')).resolves.toMatchObject({ container: 'app' });
      await expect(client.next('log')).resolves.toMatchObject({ data: `hello from ${pod}` });
    });

    it('refuses the read-only user a terminal: error 403, close 4403, no process started', async () => {
      const pod = await aRunningPod('no-shell');
      const client = await connect(`/ws/clusters/sim/namespaces/${NAMESPACE}/pods/${pod}/exec`, await as('rita'));
      await expect(client.next('error')).resolves.toMatchObject({
        code: 403,
        reason: 'Forbidden',
        message: expect.stringContaining('User "rita" cannot create resource "pods/exec"') as string,
      });
      await expect(client.waitClosed()).resolves.toMatchObject({ code: 4403 });
      expect(sandbox.stats().execSessions).toBe(0);
    });

    it('opens a terminal for a caller the cluster does not restrict', async () => {
      const pod = await aRunningPod('shell');
      const client = await connect(`/ws/clusters/sim/namespaces/${NAMESPACE}/pods/${pod}/exec`, await as('dave'));
      await client.until(() => client.joined('output').includes('/ # '));
      client.send({ type: 'input', data: 'exit 0\r' });
      await expect(client.next('exit')).resolves.toEqual({ type: 'exit', code: 0 });
    });
  });

  describe('on a cluster whose credentials may not impersonate', () => {
    it('says so on a request made for a caller, with the cluster’s own words', async () => {
      const pod = await aRunningPod('unreachable-as-caller');
      const response = await request('GET', podPath('no-rights', pod), await as('dave'));
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({
        reason: 'Forbidden',
        message:
          'cluster "no-rights" impersonates its callers, but does not allow the service to impersonate this one (grant its credentials "impersonate" on users and groups): users "dave" is forbidden: User "sandbox-viewer" cannot impersonate resource "users" in API group "" at the cluster scope',
      });
    });

    it('serves the shared lists and its health with the service’s own credentials', async () => {
      const pod = await aRunningPod('listed');
      const dave = await as('dave');
      await eventually(async () => {
        const response = await request('GET', `/api/clusters/no-rights/pods?namespace=${NAMESPACE}&pageSize=500`, dave);
        expect(response.status).toBe(200);
        const { data } = (await response.json()) as { data: { items: { name: string }[] } };
        expect(data.items.map((item) => item.name)).toContain(pod);
      });
      const namespaces = await request('GET', '/api/clusters/no-rights/namespaces', dave);
      const { data: listed } = (await namespaces.json()) as { data: { items: { name: string }[] } };
      expect(listed.items.map((namespace) => namespace.name)).toContain(NAMESPACE);
      const facets = await request('GET', '/api/clusters/no-rights/pods/facets', dave);
      expect(await facets.json()).toMatchObject({ data: { namespace: { [NAMESPACE]: expect.any(Number) as number } } });
      const live = await connect('/ws/clusters/no-rights/pods/watch', dave);
      live.send({ type: 'subscribe', namespace: NAMESPACE });
      const snapshot = (await live.next('snapshot', { timeoutMs: 10_000 })) as unknown as { items: { name: string }[] };
      expect(snapshot.items.map((item) => item.name)).toContain(pod);
      const tested = await request('POST', '/api/clusters/no-rights/test', dave);
      expect(await tested.json()).toMatchObject({ data: { connected: true } });
    });
  });

  describe('on a cluster that does not impersonate', () => {
    it('deletes for the read-only user with the service’s credentials, as the grants allow', async () => {
      await expectDeleted('plain', await as('rita'));
    });

    it('opens a terminal for the read-only user', async () => {
      const pod = await aRunningPod('plain-shell');
      const client = await connect(`/ws/clusters/plain/namespaces/${NAMESPACE}/pods/${pod}/exec`, await as('rita'));
      await client.until(() => client.joined('output').includes('/ # '));
      client.send({ type: 'input', data: 'exit 0\r' });
      await expect(client.next('exit')).resolves.toEqual({ type: 'exit', code: 0 });
    });
  });

  it('follows a registered cluster’s impersonate as it is changed', async () => {
    await expectRefusedDelete('strict', await as('rita'), 'rita');
    const changed = await request('PUT', '/api/clusters/strict', `Bearer ${TOKENS.ops}`, { impersonate: false });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ data: { id: 'strict', impersonate: false } });
    await expectDeleted('strict', await as('rita'));
  });
});

describe('impersonation without authentication (AUTH_MODE unset) (e2e)', () => {
  let sandbox: SandboxServer;
  let app: INestApplication;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pod-api-impersonation-anon-e2e-'));
    sandbox = await SandboxServer.start({ seed: 'empty', timings: FAST_TIMINGS, readOnlyUsers: ['system:anonymous'] });
    sandbox.cluster.create('pods', podManifest('web'));
    const kubeconfig = join(dir, 'sim.kubeconfig');
    writeFileSync(kubeconfig, sandbox.kubeconfig({ contextName: 'sim' }));
    app = await createTestApp({ env: { KUBECONFIG: kubeconfig, KUBE_IMPERSONATE: 'on', AUTH_MODE: undefined } });
  });
  afterAll(async () => {
    await app?.close();
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('acts as Kubernetes’ anonymous user, not with the service’s rights: every role here grants nothing more there', async () => {
    await eventually(() => expect(sandbox.cluster.pod('default', 'web')?.status?.phase).toBe('Running'));
    const response = await fetch(`${baseUrl(app)}/api/clusters/sim/namespaces/default/pods/web`, { method: 'DELETE' });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      reason: 'Forbidden',
      message: expect.stringContaining('User "system:anonymous" cannot delete resource "pods"') as string,
    });
    expect(sandbox.cluster.pod('default', 'web')?.metadata.deletionTimestamp).toBeUndefined();
  });
});
