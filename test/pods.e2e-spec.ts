import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { KubePod } from '../src/common/kube/kube-objects.js';
import { SandboxServer } from '../src/sandbox/sandbox-server.js';
import { baseUrl, createTestApp } from './helpers/create-test-app.js';
import { eventually } from './helpers/eventually.js';
import { aPod, containerState as is } from './helpers/pod-builder.js';
import { call } from './sandbox/sandbox-api-client.js';

const ENCRYPTION_KEY = 'an-encryption-key-of-32-characters-or-more!';
const GHOST_NODE = 'ghost-node'; // not run by the simulator: pods bound to it keep the status written to them

interface Summary {
  name: string;
  namespace: string;
  status: string;
  ready: string;
  restarts: number;
  nodeName: string | null;
  createdAt: string;
  [field: string]: unknown;
}

/** Writes a pod with a given status, as a kubelet on a node of its own would have reported it. */
async function putPodWithStatus(sandbox: SandboxServer, pod: KubePod): Promise<void> {
  const namespace = pod.metadata.namespace ?? 'default';
  const { status, ...spec } = pod;
  const created = await call(sandbox, `/api/v1/namespaces/${namespace}/pods`, {
    method: 'POST',
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      ...spec,
      metadata: { name: pod.metadata.name, namespace, labels: pod.metadata.labels },
    },
  });
  expect(created.status).toBe(201);
  const current = created.body as KubePod;
  const updated = await call(sandbox, `/api/v1/namespaces/${namespace}/pods/${pod.metadata.name}/status`, {
    method: 'PUT',
    body: { ...current, status },
  });
  expect(updated.status).toBe(200);
}

describe('pods (e2e)', () => {
  let sandbox: SandboxServer;
  let app: INestApplication;
  let url: string;
  let dir: string;
  const cluster = 'demo';

  beforeAll(async () => {
    sandbox = await SandboxServer.start({ seed: 'demo' });
    dir = mkdtempSync(join(tmpdir(), 'pod-api-pods-'));
    writeFileSync(join(dir, 'kubeconfig.yaml'), sandbox.kubeconfig({ contextName: cluster }));
    app = await createTestApp({ env: { KUBECONFIG: join(dir, 'kubeconfig.yaml'), ENCRYPTION_KEY } });
    url = baseUrl(app);
  });
  afterAll(async () => {
    await app?.close();
    await sandbox?.stop();
  });

  const list = async (query = ''): Promise<{ items: Summary[]; total: number; page: number; pageSize: number }> => {
    const response = await request(url)
      .get(`/api/clusters/${cluster}/pods${query ? `?${query}` : ''}`)
      .expect(200)
      .expect('Content-Type', /^application\/json/);
    expect(response.body).toMatchObject({ code: 200, message: 'success' });
    return response.body.data;
  };
  const simulatorPods = () => sandbox.cluster.list('pods') as unknown as KubePod[];

  describe('list', () => {
    it('answers the first request (before the cache has synced) exactly as later ones', async () => {
      const query = 'namespace=shop&sortBy=name&pageSize=3&page=2&status=running,CrashLoopBackOff';
      const first = await list(query);
      await eventually(async () => expect((await list(query)).items.length).toBeGreaterThan(0));
      expect(await list(query)).toEqual(first);
    });

    it('lists every pod with the seed fields, newest first by default', async () => {
      const { items, total, page, pageSize } = await list('pageSize=500');
      expect({ total, page, pageSize }).toEqual({ total: simulatorPods().length, page: 1, pageSize: 500 });
      for (const item of items) {
        expect(Object.keys(item).sort()).toEqual(
          [
            'containers',
            'createdAt',
            'hostIP',
            'labels',
            'name',
            'namespace',
            'nodeName',
            'phase',
            'podIP',
            'ready',
            'restarts',
            'status',
            'uid',
          ].sort(),
        );
      }
      const created = items.map((item) => item.createdAt);
      expect([...created].sort().reverse()).toEqual(created);
    });

    it('pages with a real total, and answers a page beyond the end with no items', async () => {
      const all = await list('pageSize=500&sortBy=name');
      const second = await list('pageSize=5&page=2&sortBy=name');
      expect(second.items).toEqual(all.items.slice(5, 10));
      expect(await list('pageSize=5&page=999')).toEqual({ items: [], total: all.total, page: 999, pageSize: 5 });
    });

    it('breaks ties by namespace then name, in both directions', async () => {
      for (const order of ['asc', 'desc']) {
        const { items } = await list(`pageSize=500&sortBy=restarts&sortOrder=${order}`);
        for (let i = 1; i < items.length; i++) {
          const [a, b] = [items[i - 1], items[i]];
          expect(order === 'asc' ? a.restarts <= b.restarts : a.restarts >= b.restarts).toBe(true);
          if (a.restarts === b.restarts) expect(`${a.namespace}/${a.name}` < `${b.namespace}/${b.name}`).toBe(true);
        }
      }
    });

    it.each([
      { query: 'namespace=shop', check: (pod: Summary) => pod.namespace === 'shop' },
      { query: 'status=running,PENDING', check: (pod: Summary) => ['Running', 'Pending'].includes(pod.status) },
      { query: 'nodeName=sandbox-worker-1', check: (pod: Summary) => pod.nodeName === 'sandbox-worker-1' },
      { query: 'search=NGINX', check: (pod: Summary) => JSON.stringify(pod).toLowerCase().includes('nginx') },
      {
        query: 'labelSelector=app%20in%20(web-frontend,cart-api),!canary',
        check: (pod: Summary) => ['web-frontend', 'cart-api'].includes((pod.labels as Record<string, string>).app),
      },
      {
        query: 'fieldSelector=status.phase!=Running,metadata.namespace==batch',
        check: (pod: Summary) => pod.namespace === 'batch' && pod.phase !== 'Running',
      },
    ])('filters by $query', async ({ query, check }) => {
      const { items, total } = await list(`${query}&pageSize=500`);
      expect(items.length).toBeGreaterThan(0);
      expect(items.length).toBe(total);
      for (const item of items) expect(check(item)).toBe(true);
    });

    it('shows STATUS, READY and RESTARTS as kubectl computes them', async () => {
      await call(sandbox, '/api/v1/namespaces', {
        method: 'POST',
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'statuses' } },
      });
      const rows: { pod: KubePod; status: string; ready: string; restarts: number }[] = [
        { pod: aPod('s-running').running().build(), status: 'Running', ready: '1/1', restarts: 0 },
        { pod: aPod('s-crash').crashLooping(4).build(), status: 'CrashLoopBackOff', ready: '0/1', restarts: 4 },
        { pod: aPod('s-completed').completed().build(), status: 'Completed', ready: '0/1', restarts: 0 },
        { pod: aPod('s-oom').failed(137, 'OOMKilled').build(), status: 'OOMKilled', ready: '0/1', restarts: 0 },
        {
          pod: aPod('s-signal')
            .withContainerStatus('app', is.terminated(137, undefined, { signal: 9 }))
            .withPhase('Failed')
            .build(),
          status: 'Signal:9',
          ready: '0/1',
          restarts: 0,
        },
        {
          pod: aPod('s-exit').withContainerStatus('app', is.terminated(3)).withPhase('Failed').build(),
          status: 'ExitCode:3',
          ready: '0/1',
          restarts: 0,
        },
        {
          pod: aPod('s-init')
            .withInitContainers('migrate', 'seed')
            .withInitContainerStatus('migrate', is.terminated(0, 'Completed'))
            .withInitContainerStatus('seed', is.running())
            .withPhase('Pending')
            .build(),
          status: 'Init:1/2',
          ready: '0/1',
          restarts: 0,
        },
        {
          pod: aPod('s-init-crash')
            .withInitContainers('migrate')
            .withInitContainerStatus('migrate', is.waiting('CrashLoopBackOff', { restartCount: 2 }))
            .withPhase('Pending')
            .build(),
          status: 'Init:CrashLoopBackOff',
          ready: '0/1',
          restarts: 2,
        },
        {
          pod: aPod('s-pull').withContainerStatus('app', is.waiting('ImagePullBackOff')).withPhase('Pending').build(),
          status: 'ImagePullBackOff',
          ready: '0/1',
          restarts: 0,
        },
        { pod: aPod('s-evicted').evicted().build(), status: 'Evicted', ready: '0/1', restarts: 0 },
      ];
      for (const row of rows) {
        const built = row.pod;
        await putPodWithStatus(sandbox, {
          ...built,
          metadata: { ...built.metadata, namespace: 'statuses' },
          spec: { ...built.spec, nodeName: GHOST_NODE },
        });
      }
      await eventually(async () => {
        const { items } = await list('namespace=statuses&sortBy=name&pageSize=50');
        const byName = new Map(items.map((item) => [item.name, item]));
        for (const row of rows)
          expect({ name: row.pod.metadata.name, ...pick(byName.get(row.pod.metadata.name!)) }).toEqual({
            name: row.pod.metadata.name,
            status: row.status,
            ready: row.ready,
            restarts: row.restarts,
          });
      });
    });
  });

  describe('facets', () => {
    it('counts each choice under every other filter', async () => {
      const response = await request(url)
        .get(`/api/clusters/${cluster}/pods/facets?namespace=shop&status=Running`)
        .expect(200);
      const facets = response.body.data as {
        total: number;
        status: Record<string, number>;
        namespace: Record<string, number>;
        nodeName: Record<string, number>;
      };
      const shop = await list('namespace=shop&pageSize=500');
      const running = await list('status=Running&pageSize=500');
      expect(facets.total).toBe((await list('namespace=shop&status=Running')).total);
      expect(Object.values(facets.status).reduce((a, b) => a + b, 0)).toBe(shop.total);
      expect(Object.values(facets.namespace).reduce((a, b) => a + b, 0)).toBe(running.total);
      expect(facets.namespace.shop).toBe(facets.total);
    });
  });

  describe('detail', () => {
    it('answers every field of the contract', async () => {
      const target = simulatorPods().find(
        (pod) => pod.metadata.namespace === 'shop' && pod.status?.phase === 'Running',
      )!;
      const response = await request(url)
        .get(`/api/clusters/${cluster}/namespaces/shop/pods/${target.metadata.name}`)
        .expect(200);
      const detail = response.body.data;
      expect(detail).toMatchObject({
        name: target.metadata.name,
        namespace: 'shop',
        uid: target.metadata.uid,
        labels: target.metadata.labels,
        createdAt: target.metadata.creationTimestamp,
        deletionTimestamp: null,
      });
      expect(Object.keys(detail.status).sort()).toEqual(
        [
          'conditions',
          'containerStatuses',
          'displayStatus',
          'hostIP',
          'initContainerStatuses',
          'phase',
          'podIP',
          'qosClass',
          'startTime',
        ].sort(),
      );
      expect(Object.keys(detail.spec).sort()).toEqual(
        ['containers', 'initContainers', 'nodeName', 'restartPolicy', 'serviceAccountName', 'volumes'].sort(),
      );
      expect(detail.status.containerStatuses[0]).toMatchObject({
        name: expect.any(String),
        ready: expect.any(Boolean),
        restartCount: expect.any(Number),
        state: { running: { startedAt: expect.any(String) } },
        lastState: expect.any(Object),
        image: expect.any(String),
        started: expect.any(Boolean),
      });
      expect(detail.spec.containers[0]).toMatchObject({
        name: expect.any(String),
        image: expect.any(String),
        ports: expect.any(Array),
        resources: expect.any(Object),
        volumeMounts: expect.any(Array),
      });
      expect(Object.keys(detail.spec.containers[0])).toEqual(expect.arrayContaining(['command', 'args']));
      expect(detail.status.conditions).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'Ready', status: 'True', lastTransitionTime: expect.any(String) }),
        ]),
      );
    });

    it('answers a missing pod with 404 naming it', async () => {
      const response = await request(url).get(`/api/clusters/${cluster}/namespaces/shop/pods/ghost`).expect(404);
      expect(response.body).toMatchObject({
        code: 404,
        reason: 'NotFound',
        message: 'pod "ghost" not found in namespace "shop"',
        data: null,
      });
    });
  });

  describe('events', () => {
    it("lists the pod's events oldest first, and not those of an earlier pod with the same name", async () => {
      await call(sandbox, '/api/v1/namespaces/default/pods', {
        method: 'POST',
        body: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'evented', namespace: 'default' },
          spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] },
        },
      });
      const started = async () =>
        (await request(url).get(`/api/clusters/${cluster}/namespaces/default/pods/evented/events`).expect(200)).body
          .data as { reason: string; lastSeen: string; count: number; source: string | null }[];
      const first = await eventually(async () => {
        const events = await started();
        expect(events.map((event) => event.reason)).toEqual(
          expect.arrayContaining(['Scheduled', 'Pulled', 'Created', 'Started']),
        );
        return events;
      });
      const seen = first.map((event) => Date.parse(event.lastSeen));
      expect([...seen].sort((a, b) => a - b)).toEqual(seen);
      expect(first.find((event) => event.reason === 'Scheduled')).toMatchObject({
        source: expect.stringContaining('scheduler'),
        count: 1,
      });

      await call(sandbox, '/api/v1/namespaces/default/pods/evented?gracePeriodSeconds=0', { method: 'DELETE' });
      await eventually(async () =>
        expect((await call(sandbox, '/api/v1/namespaces/default/pods/evented')).status).toBe(404),
      );
      await call(sandbox, '/api/v1/namespaces/default/pods', {
        method: 'POST',
        body: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'evented', namespace: 'default' },
          spec: { nodeName: GHOST_NODE, containers: [{ name: 'app', image: 'busybox:1.36' }] },
        },
      });
      const fresh = await started();
      expect(fresh.map((event) => event.reason)).not.toContain('Killing');
      expect(fresh.filter((event) => event.reason === 'Scheduled')).toHaveLength(0); // bound directly: never scheduled
    });

    it('answers events of a missing pod with 404', async () => {
      await request(url).get(`/api/clusters/${cluster}/namespaces/default/pods/nobody/events`).expect(404);
    });
  });

  describe('delete', () => {
    const create = async (name: string) => {
      const response = await call(sandbox, '/api/v1/namespaces/default/pods', {
        method: 'POST',
        body: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name, namespace: 'default' },
          spec: { terminationGracePeriodSeconds: 2, containers: [{ name: 'app', image: 'busybox:1.36' }] },
        },
      });
      expect(response.status).toBe(201);
      await eventually(
        async () => expect((await list(`fieldSelector=metadata.name=${name}`)).items[0]?.status).toBe('Running'),
        { timeoutMs: 10_000 },
      );
    };

    it('deletes gracefully: the pod shows Terminating, then disappears from the list', async () => {
      await create('graceful');
      const response = await request(url)
        .delete(`/api/clusters/${cluster}/namespaces/default/pods/graceful?gracePeriod=2`)
        .expect(200);
      expect(response.body).toEqual({ code: 200, message: 'Pod deleted successfully', data: null });
      await eventually(async () =>
        expect((await list('fieldSelector=metadata.name=graceful')).items[0]?.status).toBe('Terminating'),
      );
      await eventually(async () => expect((await list('fieldSelector=metadata.name=graceful')).total).toBe(0), {
        timeoutMs: 10_000,
      });
    });

    it('force-deletes at once', async () => {
      await create('forced');
      await request(url).delete(`/api/clusters/${cluster}/namespaces/default/pods/forced?force=true`).expect(200);
      expect((await call(sandbox, '/api/v1/namespaces/default/pods/forced')).status).toBe(404);
      await eventually(async () => expect((await list('fieldSelector=metadata.name=forced')).total).toBe(0));
    });

    it('turns gracePeriod=0 without force into 1 second, as kubectl does', async () => {
      await create('zero');
      await request(url).delete(`/api/clusters/${cluster}/namespaces/default/pods/zero?gracePeriod=0`).expect(200);
      const pod = (await call<KubePod>(sandbox, '/api/v1/namespaces/default/pods/zero')).body;
      expect(pod.metadata).toMatchObject({ deletionTimestamp: expect.any(String), deletionGracePeriodSeconds: 1 });
    });

    it('answers a missing pod with 404', async () => {
      const response = await request(url).delete(`/api/clusters/${cluster}/namespaces/default/pods/ghost`).expect(404);
      expect(response.body).toMatchObject({
        reason: 'NotFound',
        message: 'pod "ghost" not found in namespace "default"',
      });
    });

    it("passes the cluster's own 403 on", async () => {
      await request(url)
        .post('/api/clusters')
        .send({
          name: 'read-only',
          kubeConfig: sandbox.kubeconfig({ token: sandbox.readOnlyToken }),
          insecureSkipTlsVerify: true,
        })
        .expect(201);
      const target = simulatorPods().find((pod) => pod.metadata.namespace === 'shop')!;
      const response = await request(url)
        .delete(`/api/clusters/read-only/namespaces/shop/pods/${target.metadata.name}`)
        .expect(403);
      expect(response.body).toMatchObject({
        code: 403,
        reason: 'Forbidden',
        message: expect.stringContaining('forbidden'),
      });
      expect((await call(sandbox, `/api/v1/namespaces/shop/pods/${target.metadata.name}`)).status).toBe(200);
    });
  });

  describe('namespaces', () => {
    it('lists namespaces with their pod counts', async () => {
      const response = await request(url).get(`/api/clusters/${cluster}/namespaces?pageSize=100`).expect(200);
      const shop = response.body.data.items.find((namespace: { name: string }) => namespace.name === 'shop');
      expect(shop).toEqual({
        name: 'shop',
        status: 'Active',
        createdAt: expect.any(String),
        podCount: (await list('namespace=shop')).total,
      });
      expect(response.body.data.items.map((namespace: { name: string }) => namespace.name)).toEqual(
        [...response.body.data.items.map((namespace: { name: string }) => namespace.name)].sort(),
      );
    });
  });

  describe('bad input', () => {
    it.each([
      { query: 'sortBy=age', field: 'sortBy' },
      { query: 'sortOrder=up', field: 'sortOrder' },
      { query: 'pageSize=0', field: 'pageSize' },
      { query: 'pageSize=501', field: 'pageSize' },
      { query: 'page=0', field: 'page' },
      { query: 'namespace=../x', field: 'namespace' },
      { query: 'namespace=Default', field: 'namespace' },
      { query: 'labelSelector=app%20in%20(a', field: 'labelSelector' },
      { query: 'labelSelector=a%3D%3D%3Db', field: 'labelSelector' },
      { query: 'fieldSelector=spec.priority=1', field: 'fieldSelector' },
      { query: `search=${'x'.repeat(254)}`, field: 'search' },
      { query: 'color=blue', field: 'color' },
    ])('?$query → 400 naming $field', async ({ query, field }) => {
      const response = await request(url).get(`/api/clusters/${cluster}/pods?${query}`).expect(400);
      expect(response.body).toMatchObject({ code: 400, reason: 'ValidationFailed', data: null });
      expect(response.body.details.map((detail: { field: string }) => detail.field)).toContain(field);
    });

    it.each(['/namespaces/Shop/pods/x', '/namespaces/shop/pods/Bad_Name', `/namespaces/${'a'.repeat(64)}/pods/x`])(
      'refuses the malformed path %s with 400 before calling the cluster',
      async (path) => {
        const response = await request(url).get(`/api/clusters/${cluster}${path}`).expect(400);
        expect(response.body.reason).toBe('ValidationFailed');
      },
    );

    it('answers for a cluster that cannot be reached with 502 ClusterUnreachable, at once', async () => {
      await request(url)
        .post('/api/clusters')
        .send({ name: 'refusing', apiServer: 'https://127.0.0.1:1', token: 't' })
        .expect(201);
      for (const path of ['/pods', '/pods?namespace=shop', '/pods/facets', '/namespaces/shop/pods/x']) {
        const started = Date.now();
        const response = await request(url).get(`/api/clusters/refusing${path}`).expect(502);
        expect(response.body).toMatchObject({
          reason: 'ClusterUnreachable',
          message: 'cluster "refusing" could not be reached: connection refused',
        });
        expect(Date.now() - started).toBeLessThan(2000);
      }
    });

    it('answers an unknown cluster with 404 ClusterNotFound', async () => {
      const response = await request(url).get('/api/clusters/nowhere/pods').expect(404);
      expect(response.body).toMatchObject({ reason: 'ClusterNotFound', message: 'cluster "nowhere" not found' });
    });
  });
});

function pick(item: Summary | undefined): { status?: string; ready?: string; restarts?: number } {
  return item ? { status: item.status, ready: item.ready, restarts: item.restarts } : {};
}
