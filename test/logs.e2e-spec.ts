import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { FAST_TIMINGS, SandboxServer } from '../src/sandbox/sandbox-server.js';
import { baseUrl, createTestApp } from './helpers/create-test-app.js';
import { eventually } from './helpers/eventually.js';
import { HostileApiServer } from './helpers/hostile-api-server.js';
import { memoryHeld } from './helpers/memory.js';
import { podManifest, scriptedLogs } from './helpers/sandbox-pods.js';

jest.setTimeout(60_000);

const CLUSTER = 'logs';
const CAP = 64 * 1024;

// Far more than the cap, and more than the sockets and streams between the simulator and the test can buffer, so
// that a download still reads from the cluster while the test looks.
const BIG_LINES = 999; // the simulator keeps 1 000 lines per container instance; one is the scripted first line
const BIG_LINE = `${'é'.repeat(8 * 1024)} ${'x'.repeat(16 * 1024)}`; // 32 KiB in UTF-8
const BIG_TEXT = ['big log', ...Array.from({ length: BIG_LINES }, (_, index) => `${index} ${BIG_LINE}`)]
  .map((line) => `${line}\n`)
  .join('');
const BIG_BYTES = Buffer.byteLength(BIG_TEXT);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('pod logs over REST (e2e)', () => {
  let server: SandboxServer;
  let kubeconfig: string;
  let app: INestApplication;
  let url: string;
  const path = (pod: string, query = '', suffix = '') =>
    `/api/clusters/${CLUSTER}/namespaces/default/pods/${pod}/logs${suffix}${query ? `?${query}` : ''}`;

  beforeAll(async () => {
    server = await SandboxServer.start({ seed: 'empty', timings: FAST_TIMINGS });
    kubeconfig = join(mkdtempSync(join(tmpdir(), 'pod-api-logs-')), 'kubeconfig.yaml');
    writeFileSync(kubeconfig, server.kubeconfig({ contextName: CLUSTER }));
    app = await createTestApp({ env: { KUBECONFIG: kubeconfig, LOGS_MAX_BYTES: String(CAP) } });
    url = baseUrl(app);

    server.cluster.create(
      'pods',
      podManifest('web', {
        initContainers: ['setup'],
        containers: ['app', 'proxy'],
        annotations: scriptedLogs({
          setup: ['migrating', 'done'],
          app: ['app started', 'héllo wörld 🚀', 'listening on :8080'],
          proxy: ['proxy up'],
        }),
      }),
    );
    server.cluster.create('pods', podManifest('big', { annotations: scriptedLogs({ app: ['big log'] }) }));
    server.cluster.create('pods', podManifest('pull', { annotations: { 'sandbox.podapi.dev/image-pull': 'fail' } }));
    await eventually(
      () =>
        expect(['web', 'big'].map((name) => server.cluster.pod('default', name)?.status?.phase)).toEqual([
          'Running',
          'Running',
        ]),
      { timeoutMs: 10_000 },
    );
    const uid = server.cluster.pod('default', 'big')?.metadata.uid ?? '';
    for (let index = 0; index < BIG_LINES; index++) {
      server.logs.append({ podUid: uid, container: 'app', restartCount: 0 }, `${index} ${BIG_LINE}`);
    }
  });
  afterAll(async () => {
    await app?.close();
    await server?.stop();
  });
  afterEach(() => server.faults.clear());

  describe('GET …/logs', () => {
    it('answers the default container’s log in the envelope', async () => {
      const response = await request(url)
        .get(path('web'))
        .expect(200)
        .expect('Content-Type', /^application\/json/);
      expect(response.body).toEqual({
        code: 200,
        message: 'success',
        data: { logs: 'app started\nhéllo wörld 🚀\nlistening on :8080\n', container: 'app', truncated: false },
      });
    });

    it.each([
      { query: 'container=proxy', logs: 'proxy up\n', container: 'proxy' },
      { query: 'container=setup', logs: 'migrating\ndone\n', container: 'setup' },
      { query: 'tailLines=1', logs: 'listening on :8080\n', container: 'app' },
      { query: 'tailLines=0', logs: '', container: 'app' },
      { query: 'limitBytes=15', logs: 'app started\nhé', container: 'app' },
      // Byte 21 is the first of "ö"'s two: the cluster cuts there, the answer ends with the last whole character.
      { query: 'limitBytes=21', logs: 'app started\nhéllo w', container: 'app' },
    ])('passes $query on to the cluster', async ({ query, logs, container }) => {
      const response = await request(url).get(path('web', query)).expect(200);
      expect(response.body.data).toEqual({ logs, container, truncated: false });
    });

    it('prefixes each line with its timestamp when asked', async () => {
      const response = await request(url).get(path('web', 'timestamps=true&container=proxy')).expect(200);
      expect(response.body.data.logs).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z proxy up\n$/);
    });

    it('cuts a log longer than LOGS_MAX_BYTES at the cap, never inside a character, and says so', async () => {
      const { data } = (await request(url).get(path('big')).expect(200)).body;
      const bytes = Buffer.byteLength(data.logs);
      expect(data.truncated).toBe(true);
      expect(bytes).toBeLessThanOrEqual(CAP);
      expect(bytes).toBeGreaterThan(CAP - 4); // at most the bytes of one character short of it
      expect(BIG_TEXT.startsWith(data.logs)).toBe(true);
    });

    it.each([
      { label: 'a limit under the cap', limitBytes: 1000 },
      { label: 'a limit of exactly the cap', limitBytes: CAP },
    ])('does not report $label as truncated', async ({ limitBytes }) => {
      const { data } = (
        await request(url)
          .get(path('big', `limitBytes=${limitBytes}`))
          .expect(200)
      ).body;
      expect(data.truncated).toBe(false);
      expect(BIG_TEXT.startsWith(data.logs)).toBe(true);
      expect(Buffer.byteLength(data.logs)).toBeGreaterThan(limitBytes - 4);
    });

    it('cuts at the cap a limit beyond it', async () => {
      const { data } = (
        await request(url)
          .get(path('big', `limitBytes=${CAP + 1}`))
          .expect(200)
      ).body;
      expect(data.truncated).toBe(true);
      expect(Buffer.byteLength(data.logs)).toBeLessThanOrEqual(CAP);
    });
  });

  describe('GET …/logs/download', () => {
    it('answers the log as a text/plain attachment named after pod and container', async () => {
      const response = await fetch(`${url}${path('web', 'container=proxy', '/download')}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="web-proxy.log"');
      expect(await response.text()).toBe('proxy up\n');
    });

    it('names the file after the default container when none is asked for', async () => {
      const response = await fetch(`${url}${path('web', 'tailLines=2', '/download')}`);
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="web-app.log"');
      expect(await response.text()).toBe('héllo wörld 🚀\nlistening on :8080\n');
    });

    it('answers an empty log as an empty file', async () => {
      const response = await fetch(`${url}${path('web', 'tailLines=0', '/download')}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="web-app.log"');
      expect(await response.text()).toBe('');
    });

    it('passes the cluster’s bytes on as they are: a limit inside a character is not rounded', async () => {
      const response = await fetch(`${url}${path('web', 'limitBytes=21', '/download')}`);
      expect(Buffer.from(await response.arrayBuffer())).toEqual(
        Buffer.from('app started\nhéllo wörld 🚀\n').subarray(0, 21),
      );
    });

    it('streams a log far larger than the cap whole and byte-identical, the service’s memory staying flat', async () => {
      expect(BIG_BYTES).toBeGreaterThan(400 * CAP);
      const before = memoryHeld();
      let peak = 0;
      const response = await fetch(`${url}${path('big', '', '/download')}`);
      expect(response.status).toBe(200);
      const hash = createHash('sha256');
      let bytes = 0;
      let chunks = 0;
      for await (const chunk of response.body!) {
        hash.update(chunk);
        bytes += chunk.length;
        if (++chunks % 50 === 0) peak = Math.max(peak, memoryHeld() - before);
      }
      expect({ bytes, sha256: hash.digest('hex') }).toEqual({ bytes: BIG_BYTES, sha256: sha256(BIG_TEXT) });
      // Holding the log would retain at least its size (32 MB); passing it on holds a few chunks.
      expect(peak).toBeLessThan(BIG_BYTES / 4);
    });

    it('ends the upstream request when the client goes away mid-download', async () => {
      const client = new AbortController();
      const response = await fetch(`${url}${path('big', '', '/download')}`, { signal: client.signal });
      const reader = response.body!.getReader();
      expect((await reader.read()).done).toBe(false);
      expect(server.stats().logStreams).toBe(1);
      client.abort();
      await eventually(() => expect(server.stats().logStreams).toBe(0));
    });

    it('answers an error before the first byte with the envelope', async () => {
      const response = await fetch(`${url}${path('web', 'container=nope', '/download')}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.headers.get('content-disposition')).toBeNull();
      expect(await response.json()).toMatchObject({
        code: 400,
        reason: 'BadRequest',
        message: 'container "nope" is not valid for pod "web" out of: app, proxy, setup (init)',
        data: null,
      });
    });
  });

  describe('a client that goes away while the log opens', () => {
    it('ends the upstream request and leaves the cluster reachable for others', async () => {
      server.faults.stallLogs(true); // the cluster accepts the log request but answers nothing, not even headers
      const client = new AbortController();
      const abandoned = fetch(`${url}${path('big')}`, { signal: client.signal }).catch((error: unknown) => error);
      await eventually(() => expect(server.stats().logStreams).toBe(1));
      client.abort();
      await abandoned;
      await eventually(() => expect(server.stats().logStreams).toBe(0));
      server.faults.stallLogs(false);
      const response = await request(url).get(path('web', 'container=proxy')).expect(200);
      expect(response.body.data.logs).toBe('proxy up\n');
    });
  });

  describe('errors', () => {
    it.each([
      {
        label: 'an unknown container: 400 listing the pod’s containers',
        pod: 'web',
        query: 'container=nope',
        status: 400,
        reason: 'BadRequest',
        message: 'container "nope" is not valid for pod "web" out of: app, proxy, setup (init)',
      },
      {
        label: 'previous without a previous instance: 400 with Kubernetes’ text',
        pod: 'web',
        query: 'previous=true',
        status: 400,
        reason: 'BadRequest',
        message: 'previous terminated container "app" in pod "web" not found',
      },
      {
        label: 'a pod that does not exist: 404',
        pod: 'ghost',
        query: '',
        status: 404,
        reason: 'NotFound',
        message: 'pod "ghost" not found in namespace "default"',
      },
    ])('answers $label', async ({ pod, query, status, reason, message }) => {
      for (const suffix of ['', '/download']) {
        const response = await request(url)
          .get(path(pod, query, suffix))
          .expect(status);
        expect(response.body).toMatchObject({ code: status, reason, message, data: null });
      }
    });

    it('answers a namespace that does not exist with 404', async () => {
      const response = await request(url).get(`/api/clusters/${CLUSTER}/namespaces/nowhere/pods/web/logs`).expect(404);
      expect(response.body).toMatchObject({
        code: 404,
        reason: 'NotFound',
        message: 'pod "web" not found in namespace "nowhere"',
      });
    });

    it('answers a container still being created with 400 and Kubernetes’ text', async () => {
      server.cluster.create('pods', podManifest('creating', { nodeName: 'node-without-kubelet' }));
      const pod = server.cluster.pod('default', 'creating')!;
      server.cluster.update(
        'pods',
        {
          ...pod,
          status: {
            phase: 'Pending',
            containerStatuses: [
              {
                name: 'app',
                image: 'busybox:1.37',
                imageID: '',
                ready: false,
                restartCount: 0,
                state: { waiting: { reason: 'ContainerCreating' } },
              },
            ],
          },
        },
        { subresource: 'status' },
      );
      const response = await request(url).get(path('creating')).expect(400);
      expect(response.body).toMatchObject({
        code: 400,
        reason: 'BadRequest',
        message: 'container "app" in pod "creating" is waiting to start: ContainerCreating',
      });
    });

    it('answers a container whose image cannot be pulled with 400 and Kubernetes’ text', async () => {
      await eventually(async () => {
        const response = await request(url).get(path('pull')).expect(400);
        expect(response.body.message).toMatch(
          /^container "app" in pod "pull" is waiting to start: (image can't be pulled|trying and failing to pull image)$/,
        );
      });
    });

    it.each([
      { query: 'sinceSeconds=10&sinceTime=2026-01-01T00:00:00Z', field: 'sinceTime' },
      { query: 'sinceSeconds=0', field: 'sinceSeconds' },
      { query: 'sinceTime=2026-02-30T00:00:00Z', field: 'sinceTime' },
      { query: 'sinceTime=yesterday', field: 'sinceTime' },
      { query: 'tailLines=-1', field: 'tailLines' },
      { query: 'tailLines=100001', field: 'tailLines' },
      { query: 'limitBytes=0', field: 'limitBytes' },
      { query: 'limitBytes=1e3', field: 'limitBytes' },
      { query: 'previous=maybe', field: 'previous' },
      { query: 'timestamps=', field: 'timestamps' },
      { query: 'container=Not_A_Name', field: 'container' },
      { query: 'follow=true', field: 'follow' },
    ])(
      'refuses $query with 400 ValidationFailed naming $field, before any call to the cluster',
      async ({ query, field }) => {
        for (const suffix of ['', '/download']) {
          const response = await request(url)
            .get(path('web', query, suffix))
            .expect(400);
          expect(response.body).toMatchObject({ code: 400, reason: 'ValidationFailed', data: null });
          expect(response.body.details.map((detail: { field: string }) => detail.field)).toEqual([field]);
        }
      },
    );
  });
});

describe('pod logs from a cluster that stops sending mid-log (e2e)', () => {
  let hostile: HostileApiServer;
  let app: INestApplication;
  let url: string;
  const path = (suffix: string) => `/api/clusters/hostile/namespaces/default/pods/calm/logs${suffix}`;

  beforeAll(async () => {
    hostile = await HostileApiServer.start();
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'pod-api-logs-hostile-')), 'kubeconfig.yaml');
    writeFileSync(kubeconfig, hostile.kubeconfig('hostile'));
    app = await createTestApp({ env: { KUBECONFIG: kubeconfig } });
    url = baseUrl(app);
  });
  afterAll(async () => {
    await app?.close();
    await hostile?.stop();
  });

  it('ends the upstream request when the client leaves a download the cluster has stopped feeding', async () => {
    const client = new AbortController();
    const response = await fetch(`${url}${path('/download')}`, { signal: client.signal });
    const first = await response.body!.getReader().read();
    expect(Buffer.from(first.value).toString()).toBe('a first line\n');
    expect(hostile.logReads).toEqual([{ bytes: 13, closed: false }]);
    client.abort();
    await eventually(() => expect(hostile.logReads[0].closed).toBe(true));
  });

  it('ends the upstream request when the client leaves a read the cluster has stopped feeding', async () => {
    const reads = hostile.logReads.length;
    const client = new AbortController();
    const abandoned = fetch(`${url}${path('')}`, { signal: client.signal }).catch((error: unknown) => error);
    await eventually(() => expect(hostile.logReads).toHaveLength(reads + 1));
    client.abort();
    await abandoned;
    await eventually(() => expect(hostile.logReads[reads].closed).toBe(true));
  });
});

describe('a log download lasting longer than KUBE_REQUEST_TIMEOUT_SECONDS (e2e)', () => {
  let server: SandboxServer;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    server = await SandboxServer.start({ seed: 'empty', timings: FAST_TIMINGS });
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'pod-api-logs-timeout-')), 'kubeconfig.yaml');
    writeFileSync(kubeconfig, server.kubeconfig({ contextName: CLUSTER }));
    app = await createTestApp({
      // The barrier below times out on purpose: it must not make the cluster count as unreachable.
      env: { KUBECONFIG: kubeconfig, KUBE_REQUEST_TIMEOUT_SECONDS: '1', KUBE_UNREACHABLE_HOLD_SECONDS: '0' },
    });
    url = baseUrl(app);
    server.cluster.create('pods', podManifest('big', { annotations: scriptedLogs({ app: ['big log'] }) }));
    await eventually(() => expect(server.cluster.pod('default', 'big')?.status?.phase).toBe('Running'));
    const uid = server.cluster.pod('default', 'big')?.metadata.uid ?? '';
    for (let index = 0; index < BIG_LINES; index++) {
      server.logs.append({ podUid: uid, container: 'app', restartCount: 0 }, `${index} ${BIG_LINE}`);
    }
  });
  afterAll(async () => {
    server?.faults.clear();
    await app?.close();
    await server?.stop();
  });

  it('is not cut: the request timeout covers only the wait for the answer', async () => {
    const response = await fetch(`${url}/api/clusters/${CLUSTER}/namespaces/default/pods/big/logs/download`);
    const reader = response.body!.getReader();
    const first = await reader.read();
    server.faults.stallLogs(true);
    expect(server.stats().logStreams).toBe(1);

    // Barrier: a request the cluster holds past the timeout comes back 504 once the timeout has passed.
    server.faults.latency = { ms: 3000, path: '/api/v1/namespaces/default/pods/barrier', verb: 'get' };
    const barrier = await request(url).get(`/api/clusters/${CLUSTER}/namespaces/default/pods/barrier`);
    expect(barrier.status).toBe(504);
    expect(server.stats().logStreams).toBe(1);

    server.faults.stallLogs(false);
    const hash = createHash('sha256').update(first.value);
    let bytes = first.value!.length;
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      hash.update(next.value);
      bytes += next.value.length;
    }
    expect({ bytes, sha256: hash.digest('hex') }).toEqual({ bytes: BIG_BYTES, sha256: sha256(BIG_TEXT) });
  });
});
