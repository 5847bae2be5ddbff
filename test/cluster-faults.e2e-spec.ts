import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { SandboxServer } from '../src/sandbox/sandbox-server.js';
import { baseUrl, createTestApp } from './helpers/create-test-app.js';
import { eventually } from './helpers/eventually.js';
import { HostileApiServer } from './helpers/hostile-api-server.js';
import { LogCapture } from './helpers/log-capture.js';

jest.setTimeout(60_000);

const MIB = 1024 * 1024;

/** Sorted `namespace/name` of every pod the service lists for a cluster. */
async function listedPods(url: string, clusterId: string): Promise<string[]> {
  const response = await request(url).get(`/api/clusters/${clusterId}/pods?pageSize=500`).expect(200);
  const items = response.body.data.items as { namespace: string; name: string }[];
  return items.map((pod) => `${pod.namespace}/${pod.name}`).sort();
}

function podsOf(sandbox: SandboxServer): string[] {
  return sandbox.cluster
    .list('pods')
    .map((pod) => `${pod.metadata.namespace}/${pod.metadata.name}`)
    .sort();
}

/** Heap and buffers of this process, where the application built by createTestApp runs. */
function memoryInUse(): number {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('cluster faults (e2e)', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pod-api-cluster-faults-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('an API server that comes back with its state reset', () => {
    const token = 'the-same-token-before-and-after';
    let first: SandboxServer;
    let second: SandboxServer | undefined;
    let app: INestApplication;
    let url: string;

    beforeAll(async () => {
      first = await SandboxServer.start({ pods: 120, token });
      writeFileSync(join(dir, 'restarting.yaml'), first.kubeconfig({ contextName: 'restarting' }));
      app = await createTestApp({ env: { KUBECONFIG: join(dir, 'restarting.yaml') } });
      url = baseUrl(app);
    });
    afterAll(async () => {
      await app?.close();
      await Promise.all([first?.stop(), second?.stop()]);
    });

    it("lists the new cluster's pods, not the ones it had before", async () => {
      await eventually(async () => expect(await listedPods(url, 'restarting')).toEqual(podsOf(first)));
      await first.stop();
      second = await SandboxServer.start({ port: Number(new URL(first.url).port), token, seed: 'demo' });
      const restarted = second;
      expect(podsOf(restarted).length).toBeLessThan(120);
      // Once the cache watches the new server it answers from itself again (meanwhile, reads go to the server).
      await eventually(() => expect(restarted.stats().watches).toBe(1), { timeoutMs: 20_000 });
      await eventually(async () => expect(await listedPods(url, 'restarting')).toEqual(podsOf(restarted)));
    });
  });

  describe('a hostile API server next to a sound one', () => {
    const cap = 4 * MIB;
    // What the kernel's socket buffers on loopback may hold beyond what the service read.
    const socketSlack = 16 * MIB;
    let sandbox: SandboxServer;
    let hostile: HostileApiServer;
    let logger: LogCapture;
    let app: INestApplication;
    let url: string;

    beforeAll(async () => {
      [sandbox, hostile] = await Promise.all([SandboxServer.start({ seed: 'demo' }), HostileApiServer.start()]);
      const unreachable = `http://127.0.0.1:${await closedPort()}`;
      writeFileSync(join(dir, 'sandbox.yaml'), sandbox.kubeconfig({ contextName: 'sound' }));
      writeFileSync(join(dir, 'hostile.yaml'), hostile.kubeconfig('hostile'));
      writeFileSync(join(dir, 'gone.yaml'), hostile.kubeconfig('gone').replace(hostile.url, unreachable));
      logger = new LogCapture();
      app = await createTestApp({
        env: {
          KUBECONFIG: ['sandbox', 'hostile', 'gone'].map((name) => join(dir, `${name}.yaml`)).join(':'),
          KUBE_MAX_RESPONSE_BYTES: String(cap),
          KUBE_MAX_WATCH_LINE_BYTES: String(cap),
          KUBE_REQUEST_TIMEOUT_SECONDS: '10',
        },
        logger,
      });
      url = baseUrl(app);
    });
    afterAll(async () => {
      await app?.close();
      await Promise.all([sandbox?.stop(), hostile?.stop()]);
    });

    it('answers 502 at once for a pod whose body never ends, having read no more than the cap', async () => {
      const before = memoryInUse();
      const response = await request(url).get('/api/clusters/hostile/namespaces/default/pods/endless');
      expect(response.status).toBe(502);
      expect(response.body).toMatchObject({
        code: 502,
        reason: 'ClusterUnreachable',
        message: 'cluster "hostile" sent an answer larger than 4 MiB',
        data: null,
      });
      expect(memoryInUse() - before).toBeLessThan(64 * MIB);
      await eventually(() => expect(hostile.podGets.at(-1)?.closed).toBe(true));
      expect(hostile.podGets.at(-1)!.bytes).toBeLessThan(cap + socketSlack);
      await request(url).get('/api/clusters/hostile/namespaces/default/pods/calm').expect(200);
    });

    it('fails a watch whose line never ends at the cap, and keeps /healthz and the other cluster answering', async () => {
      await request(url).get('/api/clusters/hostile/pods').expect(200); // starts the cache: LIST, then the watch
      const baseline = memoryInUse();
      let peak = baseline;
      // Each round waits for /healthz and the sound cluster's pods while the hostile watch streams: the rounds must
      // keep coming (each watch cut at the cap) within the deadline.
      await eventually(
        async () => {
          await request(url).get('/healthz').expect(200);
          await request(url).get('/api/clusters/sound/pods?pageSize=5').expect(200);
          peak = Math.max(peak, memoryInUse());
          expect(hostile.watches.filter((watch) => watch.closed).length).toBeGreaterThanOrEqual(2);
        },
        { timeoutMs: 20_000 },
      );
      for (const watch of hostile.watches.filter((each) => each.closed))
        expect(watch.bytes).toBeLessThan(cap + socketSlack);
      expect(peak - baseline).toBeLessThan(64 * MIB);
      expect(logger.events('pods.cache.retry')).toContainEqual(
        expect.objectContaining({
          clusterId: 'hostile',
          reason: 'cluster "hostile" sent a watch event larger than 4 MiB',
        }),
      );
    });

    it("writes a cluster's background log lines without the id of the request that started them", async () => {
      await request(url).get('/api/clusters/sound/pods').set('X-Request-Id', 'starts-the-cache').expect(200);
      await eventually(() => expect(sandbox.stats().watches).toBe(1));
      sandbox.faults.dropWatches(); // the cache logs its retry, long after the request that started it
      await request(url).get('/api/clusters').set('X-Request-Id', 'starts-the-probes').expect(200);
      await eventually(() => {
        expect(logger.events('pods.cache.retry').map((message) => message.clusterId)).toContain('sound');
        expect(logger.events('cluster.unreachable').map((message) => message.clusterId)).toContain('gone');
      });
      for (const name of ['pods.cache.retry', 'pods.cache.relist', 'cluster.unreachable'])
        expect(logger.eventLines(name).filter((line) => line.requestId !== undefined)).toEqual([]);
    });
  });
});
