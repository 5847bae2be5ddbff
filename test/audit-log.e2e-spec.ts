/**
 * The audit log of actions and refusals end to end (api.md §6; issue 19): the real application with AUTH_MODE=token
 * and a grants file, over real HTTP and WebSockets, against the simulator. Deletes, cluster registry changes,
 * terminals and refused requests land in `GET /api/audit` with caller, target, outcome, request id and time; an
 * action the log cannot take is not taken.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import Database from 'better-sqlite3';
import { FAST_TIMINGS, SandboxServer } from '../src/sandbox/sandbox-server.js';
import { tokenEntry, writeAuthFiles } from './helpers/auth-fixtures.js';
import { baseUrl, createTestApp, wsUrl } from './helpers/create-test-app.js';
import { eventually } from './helpers/eventually.js';
import { podManifest } from './helpers/sandbox-pods.js';
import { UpgradeRefused, WsTestClient } from './helpers/ws-client.js';

jest.setTimeout(60_000);

const TOKENS = { viewer: 'viewer-token-0123456789', operator: 'operator-token-0123456789', ops: 'ops-token-012345' };
const GRANTS = {
  tokens: Object.entries(TOKENS).map(([name, token]) => tokenEntry(name, token)),
  grants: [
    { subject: { token: 'viewer' }, role: 'viewer', clusters: ['sim'], namespaces: ['*'] },
    { subject: { token: 'operator' }, role: 'operator', clusters: ['sim'], namespaces: ['team-a'] },
    { subject: { token: 'ops' }, role: 'admin', clusters: ['*'], namespaces: ['*'] },
  ],
};

interface AuditEntry {
  id: string;
  time: string;
  requestId: string;
  caller: string;
  action: string;
  clusterId: string | null;
  namespace: string | null;
  name: string | null;
  request: string;
  outcome: string | null;
  status: number | null;
  reason: string | null;
  detail: string | null;
}

describe('the audit log of actions and refusals (e2e)', () => {
  let dir: string;
  let sandbox: SandboxServer;
  let app: INestApplication;
  let url: string;

  const call = (method: string, path: string, token: string, requestId: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'x-request-id': requestId,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const audit = async (query: string, token = TOKENS.ops) => {
    const response = await fetch(`${url}/api/audit?${query}`, { headers: { authorization: `Bearer ${token}` } });
    return {
      status: response.status,
      body: (await response.json()) as { data: { items: AuditEntry[]; total: number } },
    };
  };
  const entryOf = async (requestId: string) =>
    (await audit('pageSize=500')).body.data.items.filter((item) => item.requestId === requestId);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pod-api-audit-e2e-'));
    sandbox = await SandboxServer.start({ seed: 'empty', timings: FAST_TIMINGS });
    for (const namespace of ['team-a', 'team-b']) {
      sandbox.cluster.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
      sandbox.cluster.create('pods', { ...podManifest('web'), metadata: { name: 'web', namespace } });
    }
    const { kubeconfig, grantsFile } = writeAuthFiles(dir, sandbox, GRANTS);
    app = await createTestApp({
      env: {
        KUBECONFIG: kubeconfig,
        AUTH_MODE: 'token',
        AUTH_GRANTS_FILE: grantsFile,
        ENCRYPTION_KEY: 'an-encryption-key-of-at-least-32-characters',
      },
    });
    url = baseUrl(app);
    await eventually(() => expect(sandbox.cluster.pod('team-a', 'web')?.status?.phase).toBe('Running'), {
      timeoutMs: 10_000,
    });
  });
  afterAll(async () => {
    await app?.close();
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a request refused for want of a role, with who, what, where and the request id', async () => {
    const before = new Date().toISOString();
    const response = await call('DELETE', '/api/clusters/sim/namespaces/team-a/pods/web', TOKENS.viewer, 'deny-1');
    expect(response.status).toBe(403);
    expect(sandbox.cluster.pod('team-a', 'web')?.metadata.deletionTimestamp).toBeUndefined();
    expect(await entryOf('deny-1')).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        requestId: 'deny-1',
        caller: 'token:viewer',
        action: 'access.denied',
        clusterId: 'sim',
        namespace: 'team-a',
        name: null,
        request: 'DELETE /api/clusters/sim/namespaces/team-a/pods/web',
        outcome: 'denied',
        status: 403,
        reason: 'Forbidden',
        detail: 'token:viewer needs the operator role on namespace "team-a" of cluster "sim"',
      },
    ]);
    expect((await entryOf('deny-1'))[0].time >= before).toBe(true);
  });

  it('writes a delete with its outcome: done, or failed with the reason', async () => {
    sandbox.cluster.create('pods', { ...podManifest('doomed'), metadata: { name: 'doomed', namespace: 'team-a' } });
    const path = '/api/clusters/sim/namespaces/team-a/pods/doomed';
    expect((await call('DELETE', path, TOKENS.operator, 'del-1')).status).toBe(200);
    await eventually(() => expect(sandbox.cluster.pod('team-a', 'doomed')?.metadata.deletionTimestamp).toBeDefined());
    const done = {
      caller: 'token:operator',
      action: 'pod.delete',
      clusterId: 'sim',
      namespace: 'team-a',
      name: 'doomed',
      request: `DELETE ${path}`,
    };
    expect(await entryOf('del-1')).toEqual([
      expect.objectContaining({ ...done, outcome: 'succeeded', status: null, reason: null, detail: null }),
    ]);
    const missing = await call('DELETE', '/api/clusters/sim/namespaces/team-a/pods/nobody', TOKENS.operator, 'del-2');
    expect(missing.status).toBe(404);
    expect(await entryOf('del-2')).toEqual([
      expect.objectContaining({
        action: 'pod.delete',
        name: 'nobody',
        outcome: 'failed',
        status: 404,
        reason: 'NotFound',
        detail: expect.stringContaining('"nobody"'),
      }),
    ]);
  });

  it('writes cluster registry changes, the registered cluster under the id it was given', async () => {
    const registered = await call('POST', '/api/clusters', TOKENS.ops, 'reg-1', {
      name: 'audited',
      kubeConfig: sandbox.kubeconfig(),
      insecureSkipTlsVerify: true, // the simulator speaks plain HTTP here
    });
    expect(registered.status).toBe(201);
    const { id } = ((await registered.json()) as { data: { id: string } }).data;
    expect((await call('PUT', `/api/clusters/${id}`, TOKENS.ops, 'reg-2', { description: 'audited' })).status).toBe(
      200,
    );
    expect((await call('PUT', '/api/clusters/sim', TOKENS.ops, 'reg-3', { description: 'x' })).status).toBe(409);
    expect((await call('DELETE', `/api/clusters/${id}`, TOKENS.ops, 'reg-4')).status).toBe(200);
    const entries = await Promise.all(['reg-1', 'reg-2', 'reg-3', 'reg-4'].map(entryOf));
    expect(entries.map(([entry]) => [entry.action, entry.clusterId, entry.outcome, entry.reason])).toEqual([
      ['cluster.register', id, 'succeeded', null],
      ['cluster.update', id, 'succeeded', null],
      ['cluster.update', 'sim', 'failed', 'Conflict'],
      ['cluster.unregister', id, 'succeeded', null],
    ]);
    expect(JSON.stringify(entries)).not.toContain('BEGIN CERTIFICATE');
    expect(JSON.stringify(entries)).not.toContain(sandbox.token);
  });

  it('writes a terminal refused to a viewer, and an admin terminal under its session id', async () => {
    const exec = wsUrl(app, '/ws/clusters/sim/namespaces/team-b/pods/web/exec?command=sh');
    const refused = await WsTestClient.connect(exec, {
      headers: { authorization: `Bearer ${TOKENS.viewer}`, 'x-request-id': 'term-1' },
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(UpgradeRefused);
    expect((refused as UpgradeRefused).status).toBe(403);
    expect(await entryOf('term-1')).toEqual([
      expect.objectContaining({
        caller: 'token:viewer',
        action: 'access.denied',
        clusterId: 'sim',
        namespace: 'team-b',
        request: 'WS /ws/clusters/sim/namespaces/team-b/pods/web/exec',
        outcome: 'denied',
        status: 403,
      }),
    ]);

    const client = await WsTestClient.connect(exec, {
      headers: { authorization: `Bearer ${TOKENS.ops}`, 'x-request-id': 'term-2' },
    });
    await client.until(() => client.joined('output').includes('/ # '));
    client.send({ type: 'input', data: 'exit 7\r' });
    await expect(client.next('exit')).resolves.toEqual({ type: 'exit', code: 7 });
    await eventually(async () =>
      expect(await entryOf('term-2')).toEqual([
        expect.objectContaining({
          caller: 'token:ops',
          action: 'exec.session',
          clusterId: 'sim',
          namespace: 'team-b',
          name: 'web',
          outcome: 'succeeded',
          detail: 'exited with code 7',
        }),
      ]),
    );
    const sessions = await fetch(`${url}/api/audit/sessions?namespace=team-b`, {
      headers: { authorization: `Bearer ${TOKENS.ops}` },
    });
    const { items } = ((await sessions.json()) as { data: { items: { id: string; requestId: string }[] } }).data;
    expect(items.find((item) => item.requestId === 'term-2')?.id).toBe((await entryOf('term-2'))[0].id);
  });

  it('keeps the log to admins, filters it, and refuses bad filters with 400', async () => {
    const asOperator = await audit('', TOKENS.operator);
    expect(asOperator.status).toBe(403);
    const denials = await audit('action=access.denied&caller=token:operator');
    expect(denials.body.data.items).toEqual([
      expect.objectContaining({ request: 'GET /api/audit', outcome: 'denied' }),
    ]);
    const mine = await audit('caller=token:operator&action=pod.delete&clusterId=sim');
    expect(mine.body.data.items.map((item) => item.name).sort()).toEqual(['doomed', 'nobody']);
    expect(mine.body.data.total).toBe(2);
    expect((await audit('clusterId=nowhere')).body.data.total).toBe(0);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await audit(`since=${future}`)).body.data.total).toBe(0);
    expect((await audit(`until=${future}&action=access.denied`)).body.data.total).toBeGreaterThanOrEqual(3);
    const bad = await audit('action=pod.create&since=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      reason: 'ValidationFailed',
      details: expect.arrayContaining([
        expect.objectContaining({ field: 'action' }),
        expect.objectContaining({ field: 'since' }),
      ]),
    });
  });
});

describe('an audit log that cannot be written (e2e)', () => {
  let dir: string;
  let sandbox: SandboxServer;
  let app: INestApplication;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pod-api-audit-down-e2e-'));
    sandbox = await SandboxServer.start({ seed: 'empty', timings: FAST_TIMINGS });
    sandbox.cluster.create('pods', { ...podManifest('web'), metadata: { name: 'web', namespace: 'default' } });
    const kubeconfig = join(dir, 'sim.kubeconfig');
    writeFileSync(kubeconfig, sandbox.kubeconfig({ contextName: 'sim' }));
    const store = join(dir, 'store.db');
    app = await createTestApp({ env: { KUBECONFIG: kubeconfig, DATABASE_URL: `sqlite:${store}` } });
    // The table taken away behind the service's back: every write to the audit log fails from now on.
    const db = new Database(store);
    db.exec('drop table audit_events');
    db.close();
  });
  afterAll(async () => {
    await app?.close();
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('does not delete a pod it cannot write down: 503 AuditUnavailable, and the pod stays', async () => {
    const response = await fetch(`${baseUrl(app)}/api/clusters/sim/namespaces/default/pods/web`, { method: 'DELETE' });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      reason: 'AuditUnavailable',
      message: 'the pod was not deleted: it could not be written to the audit log',
    });
    expect(sandbox.cluster.pod('default', 'web')).toBeDefined();
    expect(sandbox.cluster.pod('default', 'web')?.metadata.deletionTimestamp).toBeUndefined();
  });
});
