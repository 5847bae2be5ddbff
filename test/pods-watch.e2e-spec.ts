import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { KubePod } from '../src/common/kube/kube-objects.js';
import { SandboxServer } from '../src/sandbox/sandbox-server.js';
import { baseUrl, createTestApp, wsUrl } from './helpers/create-test-app.js';
import { eventually } from './helpers/eventually.js';
import { WsTestClient } from './helpers/ws-client.js';
import { call } from './sandbox/sandbox-api-client.js';

const GHOST_NODE = 'ghost-node';

function podManifest(
  name: string,
  namespace: string,
  extra: Partial<KubePod['spec']> = {},
  labels: Record<string, string> = {},
) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { containers: [{ name: 'app', image: 'busybox:1.36' }], ...extra },
  };
}

describe('live pod list over WebSocket (e2e)', () => {
  let sandbox: SandboxServer;
  let app: INestApplication;
  let url: string;
  const clients: WsTestClient[] = [];

  const watch = async (path = '/ws/clusters/demo/pods/watch') => {
    const client = await WsTestClient.connect(wsUrl(app, path));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    sandbox = await SandboxServer.start({ seed: 'demo' });
    const dir = mkdtempSync(join(tmpdir(), 'pod-api-watch-'));
    writeFileSync(join(dir, 'kubeconfig.yaml'), sandbox.kubeconfig({ contextName: 'demo' }));
    app = await createTestApp({
      env: {
        KUBECONFIG: join(dir, 'kubeconfig.yaml'),
        PODS_WATCH_MAX_ITEMS: '20',
        ENCRYPTION_KEY: 'an-encryption-key-of-32-characters-or-more!',
      },
    });
    url = baseUrl(app);
    await call(sandbox, '/api/v1/namespaces', {
      method: 'POST',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'live' } },
    });
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await app?.close();
    await sandbox?.stop();
  });

  it('starts with a snapshot equal to the list, then follows additions and deletions', async () => {
    const client = await watch();
    client.send({ type: 'subscribe', namespace: 'shop' });
    const snapshot = await client.next('snapshot');
    const listed = (await request(url).get('/api/clusters/demo/pods?namespace=shop&pageSize=500').expect(200)).body
      .data;
    expect((snapshot.items as { name: string }[]).map((pod) => pod.name).sort()).toEqual(
      listed.items.map((pod: { name: string }) => pod.name).sort(),
    );
    expect(snapshot.resourceVersion).toEqual(expect.any(String));

    await call(sandbox, '/api/v1/namespaces/shop/pods', { method: 'POST', body: podManifest('watched-1', 'shop') });
    const added = await client.next('added');
    expect(added).toMatchObject({
      type: 'added',
      pod: { name: 'watched-1', namespace: 'shop' },
      resourceVersion: expect.any(String),
    });
    await call(sandbox, '/api/v1/namespaces/shop/pods/watched-1?gracePeriodSeconds=0', { method: 'DELETE' });
    await expect(client.next('deleted')).resolves.toMatchObject({ pod: { name: 'watched-1' } });
  });

  it('moves a pod out of the view when its status stops matching, and back in', async () => {
    await call(sandbox, '/api/v1/namespaces/live/pods', {
      method: 'POST',
      body: podManifest('flip', 'live', { nodeName: GHOST_NODE }),
    });
    const pod = (await call<KubePod>(sandbox, '/api/v1/namespaces/live/pods/flip')).body;
    const writeStatus = async (status: KubePod['status']) => {
      const current = (await call<KubePod>(sandbox, '/api/v1/namespaces/live/pods/flip')).body;
      expect(
        (
          await call(sandbox, '/api/v1/namespaces/live/pods/flip/status', {
            method: 'PUT',
            body: { ...current, status },
          })
        ).status,
      ).toBe(200);
    };
    const runningStatus = {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        {
          name: 'app',
          ready: true,
          restartCount: 0,
          state: { running: { startedAt: pod.metadata.creationTimestamp } },
        },
      ],
    };
    await writeStatus(runningStatus);

    const client = await watch();
    client.send({ type: 'subscribe', namespace: 'live', status: 'Running' });
    await eventually(async () =>
      expect((await client.next('snapshot')).items).toEqual([
        expect.objectContaining({ name: 'flip', status: 'Running' }),
      ]),
    );
    await writeStatus({
      ...runningStatus,
      containerStatuses: [
        { name: 'app', ready: false, restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } } },
      ],
    });
    await expect(client.next('deleted')).resolves.toMatchObject({ pod: { name: 'flip', status: 'CrashLoopBackOff' } });
    await writeStatus(runningStatus);
    await expect(client.next('added')).resolves.toMatchObject({ pod: { name: 'flip', status: 'Running' } });
  });

  it('coalesces a burst of changes to one message per pod per 250 ms', async () => {
    await call(sandbox, '/api/v1/namespaces/live/pods', {
      method: 'POST',
      body: podManifest('busy', 'live', { nodeName: GHOST_NODE }),
    });
    const client = await watch();
    client.send({ type: 'subscribe', namespace: 'live', labelSelector: 'burst' });
    await client.next('snapshot');
    const started = Date.now();
    for (let i = 0; i < 30; i++) {
      await call(sandbox, '/api/v1/namespaces/live/pods/busy', {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { metadata: { labels: { burst: String(i) } } },
      });
    }
    const elapsed = Date.now() - started;
    await eventually(() =>
      expect(
        (
          client.received.filter((message) => message.type !== 'snapshot').at(-1)?.pod as {
            labels: Record<string, string>;
          }
        )?.labels.burst,
      ).toBe('29'),
    );
    const messages = client.received.filter((message) => message.type === 'added' || message.type === 'modified');
    expect(messages.length).toBeLessThanOrEqual(Math.ceil(elapsed / 250) + 2);
    expect(messages.length).toBeLessThan(30);
  });

  it('refuses a snapshot beyond PODS_WATCH_MAX_ITEMS with TooManyPods, and stays open', async () => {
    const client = await watch();
    client.send({ type: 'subscribe' });
    await expect(client.next('error')).resolves.toMatchObject({
      type: 'error',
      code: 400,
      reason: 'TooManyPods',
      message: expect.stringMatching(/^the filter matches \d+ pods; a live list holds at most 20: narrow the filter$/),
    });
    client.send({ type: 'subscribe', namespace: 'batch' });
    await expect(client.next('snapshot')).resolves.toMatchObject({ type: 'snapshot' });
  });

  it('resumes from the last resourceVersion seen, replaying only what was missed', async () => {
    const first = await watch();
    first.send({ type: 'subscribe', namespace: 'live', labelSelector: 'resume=yes' });
    const snapshot = await first.next('snapshot');
    first.close();
    await call(sandbox, '/api/v1/namespaces/live/pods', {
      method: 'POST',
      body: podManifest('missed-1', 'live', { nodeName: GHOST_NODE }, { resume: 'yes' }),
    });
    await call(sandbox, '/api/v1/namespaces/live/pods', {
      method: 'POST',
      body: podManifest('missed-2', 'live', { nodeName: GHOST_NODE }, { resume: 'yes' }),
    });
    await eventually(async () =>
      expect(
        (await request(url).get('/api/clusters/demo/pods?labelSelector=resume%3Dyes').expect(200)).body.data.total,
      ).toBe(2),
    );

    const second = await watch();
    second.send({
      type: 'subscribe',
      namespace: 'live',
      labelSelector: 'resume=yes',
      resourceVersion: snapshot.resourceVersion,
    });
    const replayed = [await second.next('added'), await second.next('added')]
      .map((message) => (message.pod as { name: string }).name)
      .sort();
    expect(replayed).toEqual(['missed-1', 'missed-2']);
    expect(second.received.some((message) => message.type === 'snapshot')).toBe(false);

    const third = await watch();
    third.send({
      type: 'subscribe',
      namespace: 'live',
      labelSelector: 'resume=yes',
      resourceVersion: 'not-remembered',
    });
    await expect(third.next('snapshot')).resolves.toMatchObject({
      items: [expect.objectContaining({ name: expect.stringMatching(/^missed-/) }), expect.anything()],
    });
  });

  it('refuses messages beyond the burst with TooManyRequests, and the subscribe in force stays so', async () => {
    const client = await watch();
    for (let i = 0; i < 10; i++) client.send({ type: 'subscribe', namespace: 'batch' }); // the default burst
    client.send({ type: 'subscribe', namespace: 'shop' });
    await expect(client.next('error')).resolves.toMatchObject({
      code: 429,
      reason: 'TooManyRequests',
      message: 'too many messages: at most 5 per second, 10 at once',
    });
    const snapshot = await client.next('snapshot');
    expect((snapshot.items as { namespace: string }[]).map((pod) => pod.namespace)).toContain('batch');
    expect(new Set((snapshot.items as { namespace: string }[]).map((pod) => pod.namespace))).toEqual(
      new Set(['batch']),
    );

    // Changes come in the cache's order: the pod added to batch arrives after the one added to shop would.
    await call(sandbox, '/api/v1/namespaces/shop/pods', {
      method: 'POST',
      body: podManifest('refused-view', 'shop', { nodeName: GHOST_NODE }),
    });
    await call(sandbox, '/api/v1/namespaces/batch/pods', {
      method: 'POST',
      body: podManifest('kept-view', 'batch', { nodeName: GHOST_NODE }),
    });
    await expect(client.next('added')).resolves.toMatchObject({ pod: { name: 'kept-view', namespace: 'batch' } });
    expect(client.received.filter((message) => message.type === 'added')).toHaveLength(1);
  });

  it('stops sending after unsubscribe', async () => {
    const client = await watch();
    client.send({ type: 'subscribe', namespace: 'live' });
    await client.next('snapshot');
    client.send({ type: 'unsubscribe' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await call(sandbox, '/api/v1/namespaces/live/pods', {
      method: 'POST',
      body: podManifest('after-unsubscribe', 'live', { nodeName: GHOST_NODE }),
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(client.received.filter((message) => message.type === 'added')).toEqual([]);
  });

  it.each([
    {
      label: 'a malformed label selector',
      message: { type: 'subscribe', labelSelector: 'a in (' },
      reason: 'ValidationFailed',
    },
    { label: 'a bad namespace', message: { type: 'subscribe', namespace: 'Bad' }, reason: 'ValidationFailed' },
    { label: 'an unknown field', message: { type: 'subscribe', pageSize: 5 }, reason: 'ValidationFailed' },
    { label: 'an unknown type', message: { type: 'dance' }, reason: 'BadRequest' },
  ])('answers $label with an error and keeps the socket open', async ({ message, reason }) => {
    const client = await watch();
    client.send(message);
    await expect(client.next('error')).resolves.toMatchObject({ code: 400, reason });
    client.send({ type: 'subscribe', namespace: 'batch' });
    await expect(client.next('snapshot')).resolves.toBeDefined();
  });

  it('answers an unknown cluster with ClusterNotFound and a malformed cluster id by closing with 4400', async () => {
    const unknown = await watch('/ws/clusters/nowhere/pods/watch');
    unknown.send({ type: 'subscribe' });
    await expect(unknown.next('error')).resolves.toMatchObject({ code: 404, reason: 'ClusterNotFound' });
    const malformed = await watch('/ws/clusters/Bad_Id/pods/watch');
    await expect(malformed.next('error')).resolves.toMatchObject({ code: 400, reason: 'ValidationFailed' });
    await expect(malformed.waitClosed()).resolves.toMatchObject({ code: 4400 });
  });

  it('ends the session when its cluster is removed', async () => {
    await request(url)
      .post('/api/clusters')
      .send({ name: 'temporary', kubeConfig: sandbox.kubeconfig(), insecureSkipTlsVerify: true })
      .expect(201);
    const client = await watch('/ws/clusters/temporary/pods/watch');
    client.send({ type: 'subscribe', namespace: 'batch' });
    await client.next('snapshot');
    await request(url).delete('/api/clusters/temporary').expect(200);
    await expect(client.next('error')).resolves.toMatchObject({ code: 404, reason: 'ClusterNotFound' });
    await expect(client.waitClosed()).resolves.toMatchObject({ code: 4404 });
  });
});
