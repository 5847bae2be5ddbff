import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import WebSocket from 'ws';
import type { KubePod } from '../src/common/kube/kube-objects.js';
import { rawText } from '../src/common/ws/ws-message.js';
import { buildKubeconfig } from '../src/sandbox/kubeconfig.js';
import { FAST_TIMINGS, SandboxServer } from '../src/sandbox/sandbox-server.js';
import { baseUrl, createTestApp, wsUrl } from './helpers/create-test-app.js';
import { eventually } from './helpers/eventually.js';
import { memoryHeld } from './helpers/memory.js';
import { EXIT_AFTER_MS_ANNOTATION, LOG_EVERY_MS_ANNOTATION, LOGS_ANNOTATION } from './helpers/sandbox-pods.js';
import { aPod } from './helpers/pod-builder.js';
import { WsTestClient, type ReceivedMessage } from './helpers/ws-client.js';
import { call } from './sandbox/sandbox-api-client.js';

jest.setTimeout(60_000);

const ENCRYPTION_KEY = 'an-encryption-key-of-32-characters-or-more!';
const MIB = 1024 * 1024;

// The simulator counts exit-after-ms from the start time it reports, which has whole seconds: a run may be up to a
// second shorter than asked for.
const RUN_MS = '1500';

interface PodOptions {
  /** Container names (one `app` by default). */
  containers?: string[];
  annotations?: Record<string, string>;
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
}

/** Creates a pod in the simulator's `default` namespace and waits until every container runs. */
async function runPod(sandbox: SandboxServer, name: string, options: PodOptions = {}): Promise<KubePod> {
  const body = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', annotations: options.annotations ?? {} },
    spec: {
      containers: (options.containers ?? ['app']).map((container) => ({ name: container, image: 'busybox:1.36' })),
      restartPolicy: options.restartPolicy ?? 'Always',
    },
  };
  expect((await call(sandbox, '/api/v1/namespaces/default/pods', { method: 'POST', body })).status).toBe(201);
  return eventually(() => {
    const pod = sandbox.cluster.pod('default', name);
    const statuses = pod?.status?.containerStatuses ?? [];
    expect(statuses.map((status) => Object.keys(status.state ?? {})[0])).toEqual(
      body.spec.containers.map(() => 'running'),
    );
    return pod!;
  });
}

/** Open `pods/log` streams of the simulator, as its `/sandbox/stats` reports them. */
async function openLogStreams(sandbox: SandboxServer): Promise<number> {
  const { body } = await call<{ logStreams: number }>(sandbox, '/sandbox/stats');
  return body.logStreams;
}

/** The messages received from the first `subscribed` on, until one of type `until` (included). */
async function streamed(client: WsTestClient, until: string, timeoutMs = 5000): Promise<ReceivedMessage[]> {
  await client.next(until, { timeoutMs });
  const start = client.received.findIndex((message) => message.type === 'subscribed');
  const end = client.received.findIndex((message, index) => index > start && message.type === until);
  return client.received.slice(start, end + 1);
}

function linesOf(messages: ReceivedMessage[]): string[] {
  return messages.filter((message) => message.type === 'log').map((message) => message.data as string);
}

/**
 * A Kubernetes API server on loopback for the pods the simulator cannot make: `utf8` answers its log as the chunks
 * given, each sent on its own; `broken` sends one line, then drops the connection; `hanging` never answers its log
 * request (each is recorded, with whether the client gave up on it).
 */
class ByteLogServer {
  readonly hangingLogs: { closed: boolean }[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly chunks: Buffer[],
  ) {}

  static async start(chunks: Buffer[]): Promise<ByteLogServer> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const byteServer = new ByteLogServer(server, `http://127.0.0.1:${port}`, chunks);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void byteServer.handle(req, res));
    server.on('connection', (socket: Socket) => {
      byteServer.sockets.add(socket);
      socket.once('close', () => byteServer.sockets.delete(socket));
    });
    return byteServer;
  }

  kubeconfig(contextName: string): string {
    return buildKubeconfig({ server: this.url, token: 'byte-token', contextName });
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/api\/v1\/namespaces\/default\/pods\/(utf8|broken|hanging)(\/log)?$/.exec(
      new URL(req.url ?? '/', this.url).pathname,
    );
    if (!match) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
      return;
    }
    const [, name, log] = match;
    if (!log) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(aPod(name).onNode('node-1').running().build()));
      return;
    }
    if (name === 'hanging') {
      const request = { closed: false };
      this.hangingLogs.push(request);
      res.once('close', () => (request.closed = true));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    if (name === 'broken') {
      await new Promise((resolve) => res.write('a line before the break\n', resolve));
      res.socket?.destroy();
      return;
    }
    for (const chunk of this.chunks) {
      await new Promise((resolve) => res.write(chunk, resolve));
      await new Promise((resolve) => setImmediate(resolve)); // each chunk its own read on the other side
    }
    res.end();
  }
}

/** The text cut into chunks every `size` bytes, so that edges fall inside multi-byte characters. */
function cutEvery(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += size) chunks.push(bytes.subarray(start, start + size));
  return chunks;
}

describe('live log stream over WebSocket (e2e)', () => {
  let sandbox: SandboxServer;
  let byteServer: ByteLogServer;
  let app: INestApplication;
  let url: string;
  const clients: WsTestClient[] = [];

  const connect = async (pod: string, cluster = 'sim', namespace = 'default') => {
    const client = await WsTestClient.connect(
      wsUrl(app, `/ws/clusters/${cluster}/namespaces/${namespace}/pods/${pod}/logs`),
    );
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    const text = 'é€ a漢🚀\nzweite Zeile: 👩‍💻 ok\r\n\nlast line without newline 🚀';
    [sandbox, byteServer] = await Promise.all([
      SandboxServer.start({ seed: 'empty', timings: FAST_TIMINGS }),
      ByteLogServer.start(cutEvery(text, 3)),
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'pod-api-logs-'));
    writeFileSync(join(dir, 'sim.yaml'), sandbox.kubeconfig({ contextName: 'sim' }));
    writeFileSync(join(dir, 'bytes.yaml'), byteServer.kubeconfig('bytes'));
    app = await createTestApp({
      env: { KUBECONFIG: `${join(dir, 'sim.yaml')}:${join(dir, 'bytes.yaml')}`, ENCRYPTION_KEY },
    });
    url = baseUrl(app);
  });
  // Each test starts when the streams of the one before have been released.
  beforeEach(() => eventually(async () => expect(await openLogStreams(sandbox)).toBe(0)));
  afterEach(() => {
    for (const client of clients.splice(0)) client.socket.terminate();
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([sandbox?.stop(), byteServer?.stop()]);
  });

  it('streams the log as it is, one message per line in order, then ends with Completed', async () => {
    const lines = ['first line', 'zweite Zeile: é€ 漢 🚀 👩‍💻', '', 'last'];
    await runPod(sandbox, 'reader', { annotations: { [LOGS_ANNOTATION]: JSON.stringify(lines) } });
    const client = await connect('reader');
    client.send({ type: 'subscribe' });
    const messages = await streamed(client, 'end');
    expect(messages).toEqual([
      { type: 'subscribed', container: 'app' },
      ...lines.map((data) => ({ type: 'log', data })),
      { type: 'end', reason: 'Completed' },
    ]);
  });

  it('never splits a line inside a UTF-8 character, and sends a last line that has no newline', async () => {
    const client = await connect('utf8', 'bytes');
    client.send({ type: 'subscribe', container: 'app' });
    expect(linesOf(await streamed(client, 'end'))).toEqual([
      'é€ a漢🚀',
      'zweite Zeile: 👩‍💻 ok',
      '',
      'last line without newline 🚀',
    ]);
    expect(client.received.at(-1)).toEqual({ type: 'end', reason: 'Completed' });
  });

  it('follows what the container writes, with kubectl’s tailLines and timestamps', async () => {
    const pod = await runPod(sandbox, 'follower', { annotations: { [LOGS_ANNOTATION]: '["one","two","three"]' } });
    const client = await connect('follower');
    client.send({ type: 'subscribe', follow: true, tailLines: 1, timestamps: true });
    await expect(client.next('subscribed')).resolves.toEqual({ type: 'subscribed', container: 'app' });
    await expect(client.next('log')).resolves.toEqual({ type: 'log', data: expect.stringMatching(/^\S+Z three$/) });
    sandbox.logs.append({ podUid: pod.metadata.uid!, container: 'app', restartCount: 0 }, 'written later');
    await expect(client.next('log')).resolves.toEqual({
      type: 'log',
      data: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z written later$/),
    });
  });

  it('reads only the lines within sinceSeconds, or after sinceTime', async () => {
    // A pod on a node the simulator does not run keeps the status written for it, and a log written with any times.
    const manifest = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'dated', namespace: 'default' },
      spec: { nodeName: 'ghost-node', containers: [{ name: 'app', image: 'busybox:1.36' }] },
    };
    const created = await call<KubePod>(sandbox, '/api/v1/namespaces/default/pods', { method: 'POST', body: manifest });
    const running = {
      name: 'app',
      ready: true,
      restartCount: 0,
      state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
    };
    const status = { phase: 'Running', containerStatuses: [running] };
    await call(sandbox, '/api/v1/namespaces/default/pods/dated/status', {
      method: 'PUT',
      body: { ...created.body, status },
    });
    const instance = { podUid: created.body.metadata.uid!, container: 'app', restartCount: 0 };
    sandbox.logs.append(instance, 'two hours ago', new Date(Date.now() - 2 * 3600_000));
    sandbox.logs.append(instance, 'just now');

    const read = async (options: object) => {
      const client = await connect('dated');
      client.send({ type: 'subscribe', ...options });
      return linesOf(await streamed(client, 'end'));
    };
    await expect(read({})).resolves.toEqual(['two hours ago', 'just now']);
    await expect(read({ sinceSeconds: 3600 })).resolves.toEqual(['just now']);
    await expect(read({ sinceTime: new Date(Date.now() - 3600_000).toISOString() })).resolves.toEqual(['just now']);
    await expect(read({ sinceTime: '2999-01-01T00:00:00Z' })).resolves.toEqual([]);
  });

  it('picks the default container, and answers an unknown one with 400 listing the containers, staying open', async () => {
    await runPod(sandbox, 'pair', {
      containers: ['main', 'helper'],
      annotations: { [`${LOGS_ANNOTATION}.main`]: '["from main"]', [`${LOGS_ANNOTATION}.helper`]: '["from helper"]' },
    });
    const client = await connect('pair');
    client.send({ type: 'subscribe', container: 'nope' });
    await expect(client.next('error')).resolves.toEqual({
      type: 'error',
      code: 400,
      reason: 'BadRequest',
      message: 'container "nope" is not valid for pod "pair" out of: main, helper',
    });
    client.send({ type: 'subscribe' });
    await expect(client.next('subscribed')).resolves.toEqual({ type: 'subscribed', container: 'main' });
    await expect(client.next('log')).resolves.toEqual({ type: 'log', data: 'from main' });
    client.send({ type: 'subscribe', container: 'helper', previous: true });
    await expect(client.next('error')).resolves.toEqual({
      type: 'error',
      code: 400,
      reason: 'BadRequest',
      message: 'previous terminated container "helper" in pod "pair" not found',
    });
  });

  it('answers a missing pod, a missing cluster and invalid fields with an error, and bad path parameters with 4400', async () => {
    const client = await connect('ghost');
    client.send({ type: 'subscribe' });
    await expect(client.next('error')).resolves.toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: expect.stringContaining('"ghost"'),
    });
    const nowhere = await connect('ghost', 'nowhere');
    nowhere.send({ type: 'subscribe' });
    await expect(nowhere.next('error')).resolves.toMatchObject({ code: 404, reason: 'ClusterNotFound' });

    const invalid = [
      { message: { tailLines: 100_001 }, field: 'tailLines', text: 'tailLines must not be greater than 100000' },
      { message: { tailLines: -1 }, field: 'tailLines', text: 'tailLines must not be less than 0' },
      { message: { sinceSeconds: 0 }, field: 'sinceSeconds', text: 'sinceSeconds must not be less than 1' },
      {
        message: { sinceTime: 'yesterday' },
        field: 'sinceTime',
        text: 'sinceTime must be an RFC 3339 time, such as 2026-01-01T00:00:00Z',
      },
      {
        message: { sinceSeconds: 60, sinceTime: '2026-01-01T00:00:00Z' },
        field: 'sinceTime',
        text: 'sinceTime must not be given together with sinceSeconds',
      },
      { message: { follow: 'yes' }, field: 'follow', text: 'follow must be a boolean value' },
      { message: { container: null }, field: 'container', text: expect.stringContaining('container') },
      {
        message: { followRestarts: true },
        field: 'followRestarts',
        text: 'followRestarts needs follow: true, and follows the current instance (not with previous: true)',
      },
      { message: { limitBytes: 10 }, field: 'limitBytes', text: 'property limitBytes should not exist' },
    ];
    for (const { message, field, text } of invalid) {
      const refused = await connect('ghost'); // one client each: more messages at once would meet the rate limit
      refused.send({ type: 'subscribe', ...message });
      const error = await refused.next('error');
      expect(error).toMatchObject({ code: 400, reason: 'ValidationFailed' });
      expect(error.details).toContainEqual({ field, message: text });
    }
    client.send('not json');
    await expect(client.next('error')).resolves.toMatchObject({ code: 400, reason: 'BadRequest' });

    const malformed = await connect('Bad_Name');
    await expect(malformed.next('error')).resolves.toMatchObject({ code: 400, reason: 'ValidationFailed' });
    await expect(malformed.waitClosed()).resolves.toMatchObject({ code: 4400 });
  });

  it('replaces the stream on a new subscribe: the old upstream is closed and none of its lines follow', async () => {
    await runPod(sandbox, 'chatty', {
      containers: ['app', 'side'],
      annotations: {
        [`${LOGS_ANNOTATION}.app`]: '["app says"]',
        [`${LOGS_ANNOTATION}.side`]: '["side says"]',
        [LOG_EVERY_MS_ANNOTATION]: '10',
      },
    });
    const client = await connect('chatty');
    client.send({ type: 'subscribe', container: 'app', follow: true });
    await client.next('subscribed');
    await client.next('log');
    await client.next('log');
    client.send({ type: 'subscribe', container: 'side', follow: true });
    await expect(client.next('subscribed')).resolves.toEqual({ type: 'subscribed', container: 'side' });
    for (let i = 0; i < 5; i++) await client.next('log');
    const afterReplace = client.received.slice(client.received.findLastIndex((m) => m.type === 'subscribed'));
    expect(new Set(linesOf(afterReplace))).toEqual(new Set(['side says']));
    await eventually(async () => expect(await openLogStreams(sandbox)).toBe(1));
  });

  it('ends the stream on unsubscribe, closing its upstream', async () => {
    const pod = await runPod(sandbox, 'quiet', { annotations: { [LOGS_ANNOTATION]: '["hello"]' } });
    const client = await connect('quiet');
    client.send({ type: 'subscribe', follow: true });
    await client.next('log');
    await eventually(async () => expect(await openLogStreams(sandbox)).toBe(1));
    client.send({ type: 'unsubscribe' });
    await eventually(async () => expect(await openLogStreams(sandbox)).toBe(0));
    sandbox.logs.append({ podUid: pod.metadata.uid!, container: 'app', restartCount: 0 }, 'nobody hears this');
    // A reply to a later message comes after anything the stream could still have sent.
    client.send({ type: 'no-such-message' });
    await client.next('error');
    expect(linesOf(client.received)).toEqual(['hello']);
    expect(client.received.filter((message) => message.type === 'end')).toEqual([]);
  });

  it('ends with ContainerTerminated when the container stops for good, with or without followRestarts', async () => {
    await runPod(sandbox, 'job', {
      restartPolicy: 'Never',
      annotations: { [LOGS_ANNOTATION]: '["working"]', [EXIT_AFTER_MS_ANNOTATION]: RUN_MS },
    });
    const plain = await connect('job');
    const restarts = await connect('job');
    plain.send({ type: 'subscribe', follow: true });
    restarts.send({ type: 'subscribe', follow: true, followRestarts: true });
    for (const client of [plain, restarts]) {
      expect(linesOf(await streamed(client, 'end'))).toEqual(['working']);
      expect(client.received.at(-1)).toEqual({ type: 'end', reason: 'ContainerTerminated' });
    }
  });

  it('ends with PodDeleted when the pod is deleted', async () => {
    await runPod(sandbox, 'doomed', { annotations: { [LOGS_ANNOTATION]: '["alive"]' } });
    const client = await connect('doomed');
    client.send({ type: 'subscribe', follow: true, followRestarts: true });
    await client.next('log');
    expect((await call(sandbox, '/api/v1/namespaces/default/pods/doomed', { method: 'DELETE' })).status).toBe(200);
    await expect(client.next('end')).resolves.toEqual({ type: 'end', reason: 'PodDeleted' });
  });

  it('goes on with the new instance after a restart with followRestarts, announcing it', async () => {
    const pod = await runPod(sandbox, 'restarter', {
      annotations: { [LOGS_ANNOTATION]: '["starting"]', [EXIT_AFTER_MS_ANNOTATION]: RUN_MS },
    });
    const client = await connect('restarter');
    client.send({ type: 'subscribe', follow: true, followRestarts: true });
    await client.next('subscribed');
    await expect(client.next('restarted')).resolves.toEqual({ type: 'restarted', restartCount: 1 });
    sandbox.logs.append({ podUid: pod.metadata.uid!, container: 'app', restartCount: 1 }, 'second run');
    await eventually(() => {
      const afterRestart = client.received.slice(client.received.findIndex((m) => m.type === 'restarted'));
      expect(linesOf(afterRestart).slice(0, 2)).toEqual(['starting', 'second run']);
    });
    expect(
      linesOf(
        client.received.slice(
          0,
          client.received.findIndex((m) => m.type === 'restarted'),
        ),
      ),
    ).toEqual(['starting']);

    const previous = await connect('restarter');
    previous.send({ type: 'subscribe', previous: true });
    expect(linesOf(await streamed(previous, 'end'))[0]).toBe('starting');

    const plain = await connect('restarter');
    plain.send({ type: 'subscribe', follow: true });
    await expect(plain.next('end', { timeoutMs: 10_000 })).resolves.toEqual({
      type: 'end',
      reason: 'ContainerTerminated',
    });
  });

  it('ends the streams of a removed cluster with ClusterRemoved', async () => {
    await runPod(sandbox, 'orphan', { annotations: { [LOGS_ANNOTATION]: '["still here"]' } });
    await request(url)
      .post('/api/clusters')
      .send({ name: 'doomed-cluster', kubeConfig: sandbox.kubeconfig(), insecureSkipTlsVerify: true })
      .expect(201);
    const client = await connect('orphan', 'doomed-cluster');
    client.send({ type: 'subscribe', follow: true });
    await client.next('log');
    await request(url).delete('/api/clusters/doomed-cluster').expect(200);
    await expect(client.next('end')).resolves.toEqual({ type: 'end', reason: 'ClusterRemoved' });
    await eventually(async () => expect(await openLogStreams(sandbox)).toBe(0));
    client.send({ type: 'subscribe', follow: true });
    await expect(client.next('error')).resolves.toMatchObject({ code: 404, reason: 'ClusterNotFound' });
  });

  it('reports a broken upstream as an error and stays open for a new subscribe', async () => {
    const client = await connect('broken', 'bytes');
    client.send({ type: 'subscribe', follow: true });
    await expect(client.next('log')).resolves.toEqual({ type: 'log', data: 'a line before the break' });
    await expect(client.next('error')).resolves.toMatchObject({
      type: 'error',
      code: 502,
      reason: 'ClusterUnreachable',
    });
    expect(client.received.filter((message) => message.type === 'end')).toEqual([]);
    client.send({ type: 'subscribe' });
    await expect(client.next('subscribed')).resolves.toBeDefined();
  });

  it('says so when restarts cannot be followed because the cluster’s pods cannot be listed', async () => {
    // The byte server lists no pods: the cluster's pod cache, which tells of restarts, cannot fill.
    const client = await connect('utf8', 'bytes');
    client.send({ type: 'subscribe', follow: true, followRestarts: true });
    await client.next('subscribed');
    await expect(client.next('error')).resolves.toMatchObject({ type: 'error', code: 404, reason: 'NotFound' });
    expect(client.received.filter((message) => message.type === 'end')).toEqual([]);
  });

  it('leaves the cluster usable when a subscribe is replaced while the cluster is still answering it', async () => {
    const client = await connect('hanging', 'bytes');
    client.send({ type: 'subscribe', follow: true });
    await eventually(() => expect(byteServer.hangingLogs).toEqual([{ closed: false }]));
    client.send({ type: 'unsubscribe' }); // the client's doing: it says nothing about the cluster
    await eventually(() => expect(byteServer.hangingLogs).toEqual([{ closed: true }]));
    const next = await connect('utf8', 'bytes');
    next.send({ type: 'subscribe' });
    await expect(next.next('subscribed')).resolves.toEqual({ type: 'subscribed', container: 'app' });
  });

  it('refuses messages beyond the rate limit with TooManyRequests', async () => {
    const client = await connect('ghost');
    for (let i = 0; i < 30; i++) client.send({ type: 'unsubscribe' });
    await expect(client.next('error')).resolves.toMatchObject({ code: 429, reason: 'TooManyRequests' });
  });

  it('pauses the upstream read while a client reads nothing, holding bounded memory, and goes on in order', async () => {
    const pod = await runPod(sandbox, 'flood', { annotations: { [LOGS_ANNOTATION]: '["ready"]' } });
    const instance = { podUid: pod.metadata.uid!, container: 'app', restartCount: 0 };
    // Lines share one large string (each a small prefix on it): the simulator holds next to nothing for them, and
    // what the service holds is what the measurement sees.
    const body = 'x'.repeat(64 * 1024);
    const lineCount = 990; // within the simulator's 1 000 kept lines, so that it drops none
    const expectedLine = (index: number) => `${String(index).padStart(4, '0')}:${body}`;
    const check = (data: string, index: number): string | undefined => {
      const expected = index === 0 ? 'ready' : index <= lineCount ? expectedLine(index) : data;
      return data === expected ? undefined : `line ${index} is "${data.slice(0, 12)}…"`;
    };
    const streamUrl = wsUrl(app, '/ws/clusters/sim/namespaces/default/pods/flood/logs');

    const paused = await LineCounter.connect(streamUrl, check);
    paused.send({ type: 'subscribe', follow: true });
    await paused.lines(1);
    paused.socket.pause(); // from here on the client reads nothing
    for (let index = 1; index <= lineCount; index++) sandbox.logs.append(instance, expectedLine(index));
    const baseline = memoryHeld();

    // The barrier: another client reads the whole flood through the service. A service that read on for the paused
    // client would have read as much for it meanwhile, and would hold it.
    const reader = await LineCounter.connect(streamUrl, check);
    reader.send({ type: 'subscribe' });
    await reader.ended();
    expect(reader.count).toBe(lineCount + 1);
    expect(reader.problems).toEqual([]);
    reader.socket.terminate();
    const held = memoryHeld() - baseline;
    expect(held).toBeLessThan(16 * MIB);

    paused.socket.resume();
    await paused.lines(lineCount + 1, 20_000);
    sandbox.logs.append(instance, 'after the flood');
    await paused.lines(lineCount + 2);
    expect(paused.problems).toEqual([]);
    expect(paused.last).toBe('after the flood');
    paused.socket.terminate();
  });
});

/**
 * A client of the log stream that keeps no line: it counts them, checks each against `checker`, and remembers the
 * last, so that a flood of large lines costs the test process nothing.
 */
class LineCounter {
  count = 0;
  last?: string;
  readonly problems: string[] = [];
  private sawEnd = false;
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly socket: WebSocket,
    checker: (data: string, index: number) => string | undefined,
  ) {
    socket.on('message', (raw) => {
      const message = JSON.parse(rawText(raw)) as ReceivedMessage;
      if (message.type === 'log') {
        const data = message.data as string;
        const problem = checker(data, this.count);
        if (problem && this.problems.length < 5) this.problems.push(problem);
        this.count++;
        this.last = data;
      } else if (message.type === 'end') {
        this.sawEnd = true;
      } else if (message.type === 'error') {
        this.problems.push(JSON.stringify(message));
      }
      for (const wake of this.waiters) wake();
    });
  }

  static async connect(
    url: string,
    checker: (data: string, index: number) => string | undefined,
  ): Promise<LineCounter> {
    const socket = new WebSocket(url);
    await once(socket, 'open');
    return new LineCounter(socket, checker);
  }

  send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }

  lines(count: number, timeoutMs = 5000): Promise<void> {
    return this.until(() => this.count >= count, `${count} lines (have ${this.count})`, timeoutMs);
  }

  ended(timeoutMs = 20_000): Promise<void> {
    return this.until(() => this.sawEnd, `the end (have ${this.count} lines)`, timeoutMs);
  }

  private until(done: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`waited ${timeoutMs} ms for ${what}; problems: ${this.problems.join('; ')}`));
      }, timeoutMs);
      const wake = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
    });
  }
}

describe('live log stream limits and heartbeats (e2e)', () => {
  let sandbox: SandboxServer;
  let app: INestApplication;
  const clients: WsTestClient[] = [];

  const connect = async (pod: string) => {
    const client = await WsTestClient.connect(wsUrl(app, `/ws/clusters/sim/namespaces/default/pods/${pod}/logs`));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    sandbox = await SandboxServer.start({ seed: 'empty', timings: FAST_TIMINGS });
    const dir = mkdtempSync(join(tmpdir(), 'pod-api-logs-limits-'));
    writeFileSync(join(dir, 'sim.yaml'), sandbox.kubeconfig({ contextName: 'sim' }));
    app = await createTestApp({
      env: { KUBECONFIG: join(dir, 'sim.yaml'), WS_PING_INTERVAL_SECONDS: '1', LOGS_MAX_STREAMS: '2' },
    });
    await runPod(sandbox, 'steady', {
      annotations: { [LOGS_ANNOTATION]: '["tick"]', [LOG_EVERY_MS_ANNOTATION]: '50' },
    });
  });
  beforeEach(() => eventually(async () => expect(await openLogStreams(sandbox)).toBe(0)));
  afterEach(() => {
    for (const client of clients.splice(0)) client.socket.terminate();
  });
  afterAll(async () => {
    await app?.close();
    await sandbox?.stop();
  });

  it('releases the upstream of a client that vanished without a close frame within 5 s', async () => {
    const client = await connect('steady');
    client.send({ type: 'subscribe', follow: true });
    await client.next('log');
    await eventually(async () => expect(await openLogStreams(sandbox)).toBe(1));
    client.socket.pause(); // no close frame, no FIN: the peer just stops answering, pings included
    await eventually(async () => expect(await openLogStreams(sandbox)).toBe(0), { timeoutMs: 5000 });
    client.socket.resume();
    await expect(client.waitClosed()).resolves.toMatchObject({ code: 1006 });
  });

  it('refuses a subscribe beyond LOGS_MAX_STREAMS with TooManyStreams, and stays usable', async () => {
    const [first, second, third] = [await connect('steady'), await connect('steady'), await connect('steady')];
    first.send({ type: 'subscribe', follow: true });
    second.send({ type: 'subscribe', follow: true });
    await first.next('subscribed');
    await second.next('subscribed');
    third.send({ type: 'subscribe', follow: true });
    await expect(third.next('error')).resolves.toEqual({
      type: 'error',
      code: 429,
      reason: 'TooManyStreams',
      message: 'the service streams at most 2 logs at once; try again later',
    });
    // Replacing a stream at the limit frees its place first.
    first.send({ type: 'subscribe', follow: true, tailLines: 0 });
    await first.next('subscribed');
    second.send({ type: 'unsubscribe' });
    second.send({ type: 'no-such-message' }); // its answer comes once the unsubscribe is done
    await second.next('error');
    third.send({ type: 'subscribe', follow: true });
    await expect(third.next('subscribed')).resolves.toEqual({ type: 'subscribed', container: 'app' });
    await third.next('log');
  });
});
