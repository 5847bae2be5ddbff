import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { FAST_TIMINGS, SandboxServer } from '../src/sandbox/sandbox-server.js';
import { createTestApp, wsUrl } from './helpers/create-test-app.js';
import { eventually } from './helpers/eventually.js';
import { LogCapture } from './helpers/log-capture.js';
import { WsTestClient } from './helpers/ws-client.js';
import { call } from './sandbox/sandbox-api-client.js';

jest.setTimeout(60_000);

// Large enough that every snapshot of the whole cluster is about a megabyte.
const PODS = 2000;
// The service's memory may grow by this much while a client floods it without reading: far above what holding one
// snapshot per client costs, far below what queueing one per subscribe reaches within the test.
const MEMORY_BOUND_BYTES = 150 * 1024 * 1024;

const memory = () => process.memoryUsage().rss;

describe('live pod list against a client that floods subscribes and never reads (e2e)', () => {
  let sandbox: SandboxServer;
  let app: INestApplication;
  const logs = new LogCapture();
  const clients: WsTestClient[] = [];

  const watch = async () => {
    const client = await WsTestClient.connect(wsUrl(app, '/ws/clusters/flood/pods/watch'));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    sandbox = await SandboxServer.start({ seed: 'empty', pods: PODS, liveLimit: 20, timings: FAST_TIMINGS });
    const dir = mkdtempSync(join(tmpdir(), 'pod-api-flood-'));
    writeFileSync(join(dir, 'kubeconfig.yaml'), sandbox.kubeconfig({ contextName: 'flood' }));
    app = await createTestApp({
      env: { KUBECONFIG: join(dir, 'kubeconfig.yaml'), PODS_WATCH_CONGESTED_CLOSE_SECONDS: '1' },
      logger: logs,
    });
    await call(sandbox, '/api/v1/namespaces', {
      method: 'POST',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'calm' } },
    });
  });
  afterAll(async () => {
    for (const client of clients.splice(0)) client.socket.terminate();
    await app?.close();
    await sandbox?.stop();
  });

  it('refuses the flood, stays bounded, closes the flooder with 1013 and serves another client meanwhile', async () => {
    const flooder = await watch();
    flooder.send({ type: 'subscribe' });
    const { items } = await flooder.next('snapshot', { timeoutMs: 15_000 });
    expect(items).toHaveLength(PODS);
    const polite = await watch();

    const baseline = memory();
    let peak = baseline;
    flooder.socket.pause(); // from here on the client reads nothing: what the service sends stays in its buffers
    const flood = setInterval(() => {
      for (let i = 0; i < 20; i++) flooder.send({ type: 'subscribe' });
      peak = Math.max(peak, memory());
    }, 5);
    try {
      polite.send({ type: 'subscribe', namespace: 'calm' });
      await expect(polite.next('snapshot', { timeoutMs: 10_000 })).resolves.toMatchObject({ items: [] });
      await call(sandbox, '/api/v1/namespaces/calm/pods', {
        method: 'POST',
        body: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'meanwhile', namespace: 'calm' },
          spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] },
        },
      });
      await expect(polite.next('added', { timeoutMs: 10_000 })).resolves.toMatchObject({
        pod: { name: 'meanwhile' },
      });
      // Nothing the flooder can read says when the service gave up on it; its log line does.
      await eventually(
        () => {
          if (peak - baseline > MEMORY_BOUND_BYTES) return; // no use waiting: the bound below already failed
          expect(logs.events('pods.watch.closed')).toContainEqual(expect.objectContaining({ reason: 'congested' }));
        },
        { timeoutMs: 15_000 },
      );
    } finally {
      clearInterval(flood);
    }
    expect(peak - baseline).toBeLessThan(MEMORY_BOUND_BYTES);

    flooder.socket.resume();
    await expect(flooder.waitClosed({ timeoutMs: 10_000 })).resolves.toEqual({
      code: 1013,
      reason: 'the client is not reading what it is sent',
    });
    expect(flooder.received).toContainEqual(
      expect.objectContaining({ type: 'error', code: 429, reason: 'TooManyRequests' }),
    );
  });
});
