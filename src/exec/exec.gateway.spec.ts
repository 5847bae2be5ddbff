/**
 * The terminal endpoint in the real application over a real WebSocket, with the cluster side played by a FakeKubeApi
 * (its process a FakeExecChannel) and the audit log recorded: the route, the query, the request id, the heartbeat,
 * removing a cluster and stopping the service, as the gateway wires them. test/exec.e2e-spec.ts runs the same endpoint
 * against the simulator.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { FakeExecChannel, RecordingAudit } from '../../test/fakes/exec-fakes.js';
import { FakeKubeApi } from '../../test/fakes/fake-kube-api.js';
import { baseUrl, wsUrl } from '../../test/helpers/create-test-app.js';
import { eventually } from '../../test/helpers/eventually.js';
import { aPod } from '../../test/helpers/pod-builder.js';
import { WsTestClient } from '../../test/helpers/ws-client.js';
import { AppModule } from '../app.module.js';
import { configureApp } from '../app.setup.js';
import { ExecAudit } from '../audit/exec-audit.js';
import { KubeApiFactory } from '../clusters/kube/kube-api.factory.js';
import type { ExecOptions, KubeApi } from '../clusters/kube/kube-api.js';
import { JsonTextExpressAdapter } from '../common/envelope/json-text.adapter.js';
import { buildKubeconfig } from '../sandbox/kubeconfig.js';

const ENCRYPTION_KEY = 'an-encryption-key-of-32-characters-or-more!';

/** The application as main.ts builds it, with `kube` behind every cluster and `audit` as the audit log. */
async function startApp(kube: KubeApi, audit: ExecAudit, env: Record<string, string>): Promise<INestApplication> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(KubeApiFactory)
      .useValue(FakeKubeApi.factory(kube as FakeKubeApi))
      .overrideProvider(ExecAudit)
      .useValue(audit)
      .compile();
    const app = moduleRef.createNestApplication<NestExpressApplication>(new JsonTextExpressAdapter(), {
      bodyParser: false,
      logger: false,
    });
    configureApp(app);
    await app.listen(0, '127.0.0.1');
    return app;
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

describe('ExecGateway', () => {
  const kube = new FakeKubeApi().withPods(
    aPod('web-0').inNamespace('shop').withContainers('app', 'proxy').running().build(),
  );
  const execs: ExecOptions[] = [];
  const channels: FakeExecChannel[] = [];
  (kube as KubeApi).openExec = (_namespace, _name, options) => {
    execs.push(options);
    const channel = new FakeExecChannel();
    channels.push(channel);
    return Promise.resolve(channel);
  };
  const audit = new RecordingAudit();
  let app: INestApplication;
  const clients: WsTestClient[] = [];

  const connect = async (path: string, headers: Record<string, string> = {}) => {
    const client = await WsTestClient.connect(wsUrl(app, path), { headers });
    clients.push(client);
    return client;
  };
  const terminal = (query = '', cluster = 'fake') =>
    connect(`/ws/clusters/${cluster}/namespaces/shop/pods/web-0/exec${query}`);
  const started = (count: number) =>
    eventually(() => {
      expect(channels).toHaveLength(count);
      return channels[count - 1];
    });

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pod-api-exec-'));
    const kubeconfig = join(dir, 'fake.yaml');
    writeFileSync(kubeconfig, buildKubeconfig({ server: 'http://127.0.0.1:9', token: 't', contextName: 'fake' }));
    app = await startApp(kube, audit, {
      KUBECONFIG: kubeconfig,
      DATABASE_URL: 'sqlite::memory:',
      SANDBOX: 'off',
      LOG_LEVEL: 'error',
      ENCRYPTION_KEY,
      WS_PING_INTERVAL_SECONDS: '1',
    });
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.socket.terminate();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('runs the command of the query in the container of the query, and relays the terminal both ways', async () => {
    const client = await connect(
      `/ws/clusters/fake/namespaces/shop/pods/web-0/exec?container=proxy&command=${encodeURIComponent(`sh -c 'read x; echo "$x"; exit 3'`)}`,
      { 'X-Request-Id': 'terminal-1' },
    );
    const channel = await started(1);
    expect(execs[0]).toEqual({ container: 'proxy', command: ['sh', '-c', 'read x; echo "$x"; exit 3'] });
    client.send({ type: 'resize', cols: 120, rows: 40 });
    client.send({ type: 'input', data: 'héllo 🚀\n' });
    await eventually(() => expect(channel.input).toBe('héllo 🚀\n'));
    expect(channel.resizes).toEqual([[120, 40]]);
    channel.print('héllo 🚀\r\n');
    channel.exit(3);
    await expect(client.waitClosed()).resolves.toEqual({ code: 1000, reason: '' });
    expect(client.received).toEqual([
      { type: 'output', data: 'héllo 🚀\r\n' },
      { type: 'exit', code: 3 },
    ]);
    await eventually(() => expect(audit.ends.at(-1)).toMatchObject({ outcome: 'exited', exitCode: 3 }));
    expect(audit.starts.at(-1)).toMatchObject({
      requestId: 'terminal-1',
      caller: 'anonymous',
      clusterId: 'fake',
      container: 'proxy',
    });
  });

  it('refuses a bad query with an error and close 4400, before reaching the cluster', async () => {
    const before = execs.length;
    const client = await terminal(`?command=${encodeURIComponent("echo 'oops")}`);
    await expect(client.waitClosed()).resolves.toEqual({ code: 4400, reason: 'BadRequest' });
    expect(client.received).toEqual([
      { type: 'error', code: 400, reason: 'BadRequest', message: expect.stringContaining('unbalanced single quote') },
    ]);
    expect(execs).toHaveLength(before);
  });

  it('closes the upstream within a second when the client closes', async () => {
    const count = channels.length;
    const client = await terminal();
    const channel = await started(count + 1);
    client.close();
    await eventually(() => expect(channel.closed).toBe(true), { timeoutMs: 1000 });
  });

  it('releases the upstream of a client that vanished without a close frame within 3 s (heartbeat)', async () => {
    const count = channels.length;
    const client = await terminal();
    const channel = await started(count + 1);
    client.socket.pause(); // reads nothing more, so it answers no ping: as a peer whose network went away
    await eventually(() => expect(channel.closed).toBe(true), { timeoutMs: 3000 });
    await eventually(() => expect(audit.ends.at(-1)).toMatchObject({ outcome: 'client-closed' }));
  });

  it('closes the terminals of a cluster when it is removed', async () => {
    const url = baseUrl(app);
    const kubeConfig = buildKubeconfig({ server: 'http://127.0.0.1:9', token: 't', contextName: 'x' });
    await request(url)
      .post('/api/clusters')
      .send({ name: 'doomed', kubeConfig, insecureSkipTlsVerify: true })
      .expect(201);
    const count = channels.length;
    const client = await terminal('', 'doomed');
    const channel = await started(count + 1);
    await request(url).delete('/api/clusters/doomed').expect(200);
    await expect(client.waitClosed()).resolves.toEqual({ code: 4404, reason: 'ClusterNotFound' });
    expect(client.received).toEqual([
      { type: 'error', code: 404, reason: 'ClusterNotFound', message: 'cluster "doomed" was removed' },
    ]);
    expect(channel.closed).toBe(true);
  });
});
