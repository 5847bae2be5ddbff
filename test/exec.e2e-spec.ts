/**
 * The terminal (api.md §5) end to end: the real application, over a real WebSocket, against the simulator's exec
 * subresource, whose confined interpreter plays the container (busybox-like `sh` with a prompt, echo, printf, size,
 * yes, exit N).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import WebSocket from 'ws';
import { rawText } from '../src/common/ws/ws-message.js';
import { FAST_TIMINGS, SandboxServer } from '../src/sandbox/sandbox-server.js';
import { baseUrl, createTestApp, wsUrl } from './helpers/create-test-app.js';
import { eventually } from './helpers/eventually.js';
import { memoryHeld } from './helpers/memory.js';
import { EXIT_AFTER_MS_ANNOTATION, podManifest } from './helpers/sandbox-pods.js';
import { WsTestClient } from './helpers/ws-client.js';
import { call } from './sandbox/sandbox-api-client.js';

jest.setTimeout(60_000);

const ENCRYPTION_KEY = 'an-encryption-key-of-32-characters-or-more!';
const MIB = 1024 * 1024;
const PROMPT = '/ # ';

/** Open exec sessions of the simulator, as its `/sandbox/stats` reports them. */
async function openExecSessions(sandbox: SandboxServer): Promise<number> {
  const { body } = await call<{ execSessions: number }>(sandbox, '/sandbox/stats');
  return body.execSessions;
}

/** A kubeconfig file holding one context per entry, each pointing at the simulator with its token. */
function kubeconfigFiles(sandbox: SandboxServer, contexts: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pod-api-exec-'));
  return Object.entries(contexts)
    .map(([contextName, token]) => {
      const path = join(dir, `${contextName}.yaml`);
      writeFileSync(path, sandbox.kubeconfig({ contextName, token }));
      return path;
    })
    .join(':');
}

describe('terminal over WebSocket (e2e)', () => {
  let sandbox: SandboxServer;
  let app: INestApplication;
  const clients: WsTestClient[] = [];

  const terminal = async (
    query: { container?: string; command?: string } = {},
    options: { app?: INestApplication; cluster?: string; pod?: string } = {},
  ) => {
    const params = new URLSearchParams(query as Record<string, string>).toString();
    const path = `/ws/clusters/${options.cluster ?? 'sim'}/namespaces/default/pods/${options.pod ?? 'shell'}/exec`;
    const client = await WsTestClient.connect(wsUrl(options.app ?? app, `${path}${params ? `?${params}` : ''}`));
    clients.push(client);
    return client;
  };
  const output = (client: WsTestClient, text: string, timeoutMs = 5000) =>
    client.until(() => client.joined('output').includes(text), { timeoutMs });

  beforeAll(async () => {
    sandbox = await SandboxServer.start({ seed: 'empty', timings: FAST_TIMINGS });
    sandbox.cluster.create('pods', podManifest('shell', { containers: ['app', 'sidecar'] }));
    sandbox.cluster.create(
      'pods',
      podManifest('finished', {
        containers: ['app', 'short'],
        restartPolicy: 'Never',
        annotations: { [`${EXIT_AFTER_MS_ANNOTATION}.short`]: '1500' },
      }),
    );
    app = await createTestApp({
      env: {
        KUBECONFIG: kubeconfigFiles(sandbox, { sim: sandbox.token, viewer: sandbox.readOnlyToken }),
        ENCRYPTION_KEY,
      },
    });
    await eventually(() => expect(sandbox.cluster.pod('default', 'shell')?.status?.phase).toBe('Running'), {
      timeoutMs: 10_000,
    });
  });
  // Each test starts once the sessions of the one before have been released upstream.
  beforeEach(() => eventually(async () => expect(await openExecSessions(sandbox)).toBe(0)));
  afterEach(() => {
    for (const client of clients.splice(0)) client.socket.terminate();
  });
  afterAll(async () => {
    await app?.close();
    await sandbox?.stop();
  });

  it('opens /bin/sh at its prompt by default, and echoes UTF-8 both ways', async () => {
    const client = await terminal();
    await output(client, PROMPT);
    client.send({ type: 'input', data: 'echo héllo 🚀 漢字\r' });
    await output(client, `echo héllo 🚀 漢字\r\nhéllo 🚀 漢字\r\n${PROMPT}`);
    expect(client.joined('output')).not.toContain('\uFFFD');
    expect(client.received.filter((message) => message.type === 'error')).toEqual([]);
  });

  it('ends with the exit code of the shell (exit 3), then a normal close', async () => {
    const client = await terminal();
    await output(client, PROMPT);
    client.send({ type: 'input', data: 'exit 3\r' });
    await expect(client.next('exit')).resolves.toEqual({ type: 'exit', code: 3 });
    await expect(client.waitClosed()).resolves.toMatchObject({ code: 1000 });
    await eventually(async () => expect(await openExecSessions(sandbox)).toBe(0));
  });

  it('passes a resize on to the TTY: `size` prints the rows and columns sent', async () => {
    const client = await terminal();
    client.send({ type: 'resize', cols: 132, rows: 43 }); // sent at once, before the process has started
    await output(client, PROMPT);
    client.send({ type: 'input', data: 'size\r' });
    await output(client, 'size\r\n43 132\r\n');
    client.send({ type: 'resize', cols: 80, rows: 24 });
    client.send({ type: 'input', data: 'size\r' });
    await output(client, 'size\r\n24 80\r\n');
  });

  it('reports an unknown command as the shell does, and its status 127 as the exit code', async () => {
    const client = await terminal();
    await output(client, PROMPT);
    client.send({ type: 'input', data: 'nosuchcmd\r' });
    await output(client, 'sh: nosuchcmd: not found\r\n');
    client.send({ type: 'input', data: 'exit\r' });
    await expect(client.next('exit')).resolves.toEqual({ type: 'exit', code: 127 });
  });

  it('runs the command as argv split by shell quoting, with no shell added', async () => {
    const client = await terminal({ command: `printf '[%s]' '' "two  spaces" 'it'"'"'s' $HOME "é 🚀"` });
    await expect(client.next('exit')).resolves.toEqual({ type: 'exit', code: 0 });
    expect(client.joined('output')).toBe("[][two  spaces][it's][$HOME][é 🚀]");
  });

  it('passes the exit code of a command given as argv', async () => {
    const client = await terminal({ command: `sh -c 'echo "a  b" "$0"; exit 4' 'x y'`, container: 'sidecar' });
    await expect(client.next('exit')).resolves.toEqual({ type: 'exit', code: 4 });
    expect(client.joined('output')).toBe('a  b x y\r\n');
  });

  it('reports a process killed with its pod (SIGKILL) by its code, 137', async () => {
    sandbox.cluster.create('pods', podManifest('doomed'));
    await eventually(() => expect(sandbox.cluster.pod('default', 'doomed')?.status?.phase).toBe('Running'), {
      timeoutMs: 10_000,
    });
    const client = await terminal({}, { pod: 'doomed' });
    await output(client, PROMPT);
    await call(sandbox, '/api/v1/namespaces/default/pods/doomed', { method: 'DELETE' });
    await expect(client.next('exit', { timeoutMs: 10_000 })).resolves.toEqual({ type: 'exit', code: 137 });
    await expect(client.waitClosed()).resolves.toMatchObject({ code: 1000 });
  });

  it('refuses a program the container does not have with an error and a 4xxx close', async () => {
    const client = await terminal({ command: 'nosuchprogram --help' });
    const error = await client.next('error');
    expect(error.message).toContain('nosuchprogram'); // the runtime's reason reaches the user
    const closed = await client.waitClosed();
    expect(closed.code).toBe(4000 + (error.code as number));
    expect(closed.code).toBeGreaterThanOrEqual(4400);
    expect(client.received.filter((message) => message.type === 'exit')).toEqual([]);
  });

  it('refuses unbalanced quotes with 4400 before reaching the cluster', async () => {
    const client = await terminal({ command: `sh -c 'echo hi` });
    await expect(client.next('error')).resolves.toMatchObject({ code: 400, reason: 'BadRequest' });
    await expect(client.waitClosed()).resolves.toMatchObject({ code: 4400 });
  });

  it.each([
    { label: 'a missing pod', pod: 'ghost', query: {}, code: 4404, reason: 'NotFound', text: '"ghost"' },
    {
      label: 'a missing container',
      pod: 'shell',
      query: { container: 'db' },
      code: 4404,
      reason: 'NotFound',
      text: '"db"',
    },
  ])('refuses $label with an error and close $code', async ({ pod, query, code, reason, text }) => {
    const client = await terminal(query, { pod });
    await expect(client.next('error')).resolves.toMatchObject({
      code: code - 4000,
      reason,
      message: expect.stringContaining(text),
    });
    await expect(client.waitClosed()).resolves.toMatchObject({ code });
  });

  it('refuses a terminated container with 4409', async () => {
    await eventually(
      () => {
        const statuses = sandbox.cluster.pod('default', 'finished')?.status?.containerStatuses ?? [];
        expect(statuses.find((status) => status.name === 'short')?.state?.terminated).toBeDefined();
      },
      { timeoutMs: 10_000 },
    );
    const client = await terminal({ container: 'short' }, { pod: 'finished' });
    await expect(client.next('error')).resolves.toMatchObject({ code: 409, reason: 'Conflict' });
    await expect(client.waitClosed()).resolves.toMatchObject({ code: 4409 });
  });

  it('passes on the cluster refusing the exec (a read-only token) with 4403', async () => {
    const client = await terminal({}, { cluster: 'viewer' });
    await expect(client.next('error')).resolves.toMatchObject({ code: 403, reason: 'Forbidden' });
    await expect(client.waitClosed()).resolves.toMatchObject({ code: 4403 });
  });

  it('answers malformed messages with an error and goes on', async () => {
    const client = await terminal();
    await output(client, PROMPT);
    client.send('not json');
    client.send({ type: 'paste', data: 'x' });
    client.send({ type: 'input', data: 'x'.repeat(64 * 1024 + 1) });
    client.send({ type: 'resize', cols: 0, rows: 24 });
    await client.until(() => client.received.filter((message) => message.type === 'error').length === 4);
    client.send({ type: 'input', data: 'echo still here\r' });
    await output(client, 'echo still here\r\nstill here\r\n');
    expect(client.closed).toBeUndefined();
  });

  it('releases the upstream shell within a second of the client closing', async () => {
    const client = await terminal();
    await output(client, PROMPT);
    expect(await openExecSessions(sandbox)).toBe(1);
    client.close();
    await eventually(async () => expect(await openExecSessions(sandbox)).toBe(0), { timeoutMs: 1000 });
  });

  it('closes the terminals of a removed cluster with 4404 and releases their shells', async () => {
    const url = baseUrl(app);
    await request(url)
      .post('/api/clusters')
      .send({ name: 'doomed-cluster', kubeConfig: sandbox.kubeconfig(), insecureSkipTlsVerify: true })
      .expect(201);
    const client = await terminal({}, { cluster: 'doomed-cluster' });
    await output(client, PROMPT);
    await request(url).delete('/api/clusters/doomed-cluster').expect(200);
    await expect(client.next('error')).resolves.toMatchObject({ code: 404, reason: 'ClusterNotFound' });
    await expect(client.waitClosed()).resolves.toMatchObject({ code: 4404 });
    await eventually(async () => expect(await openExecSessions(sandbox)).toBe(0));
  });

  it('keeps its memory bounded while `yes` floods a client that reads nothing (the upstream paused)', async () => {
    const floodUrl = wsUrl(app, '/ws/clusters/sim/namespaces/default/pods/shell/exec?command=yes');
    const paused = await OutputCounter.connect(floodUrl);
    await paused.bytes(1);
    paused.socket.pause(); // from here on the client reads nothing
    const baseline = memoryHeld();

    // The barrier: another client reads a flood through the service. A service that read on for the paused client
    // would have read as much for it meanwhile, and would hold it.
    const reader = await OutputCounter.connect(floodUrl);
    await reader.bytes(32 * MIB, 30_000);
    reader.socket.terminate();
    const held = memoryHeld() - baseline;
    expect(held).toBeLessThan(16 * MIB);
    expect(reader.problems).toEqual([]);

    paused.socket.resume();
    const before = paused.count;
    await paused.bytes(before + 4 * MIB, 30_000);
    expect(paused.problems).toEqual([]);
    paused.socket.terminate();
  });

  describe('with limits', () => {
    let limited: INestApplication;

    beforeAll(async () => {
      limited = await createTestApp({
        env: {
          KUBECONFIG: kubeconfigFiles(sandbox, { sim: sandbox.token }),
          WS_PING_INTERVAL_SECONDS: '1',
          EXEC_IDLE_TIMEOUT_SECONDS: '2',
          EXEC_MAX_SESSION_SECONDS: '4',
          EXEC_MAX_SESSIONS: '2',
        },
      });
    });
    afterAll(async () => {
      await limited?.close();
    });

    it('releases the shell of a client that vanished without a close frame within 3 s (heartbeat)', async () => {
      const client = await terminal({}, { app: limited });
      await output(client, PROMPT);
      expect(await openExecSessions(sandbox)).toBe(1);
      client.socket.pause(); // answers no ping from here on, as a peer whose network went away
      await eventually(async () => expect(await openExecSessions(sandbox)).toBe(0), { timeoutMs: 3000 });
    });

    it('closes a terminal with neither input nor output for EXEC_IDLE_TIMEOUT_SECONDS with IdleTimeout', async () => {
      const client = await terminal({}, { app: limited });
      await output(client, PROMPT);
      await expect(client.next('error', { timeoutMs: 4000 })).resolves.toMatchObject({
        code: 408,
        reason: 'IdleTimeout',
        message: expect.stringContaining('no input or output for 2 s'),
      });
      await expect(client.waitClosed()).resolves.toMatchObject({ code: 4408 });
      await eventually(async () => expect(await openExecSessions(sandbox)).toBe(0));
    });

    it('closes a busy terminal after EXEC_MAX_SESSION_SECONDS with MaxDurationReached', async () => {
      const client = await terminal({}, { app: limited });
      await output(client, PROMPT);
      const typing = setInterval(() => client.send({ type: 'input', data: ':\r' }), 250);
      try {
        await expect(client.next('error', { timeoutMs: 6000 })).resolves.toMatchObject({
          code: 408,
          reason: 'MaxDurationReached',
        });
      } finally {
        clearInterval(typing);
      }
      await expect(client.waitClosed()).resolves.toMatchObject({ code: 4408 });
    });

    it('refuses a terminal beyond EXEC_MAX_SESSIONS with TooManySessions', async () => {
      const open = [await terminal({}, { app: limited }), await terminal({}, { app: limited })];
      await Promise.all(open.map((client) => output(client, PROMPT)));
      const refused = await terminal({}, { app: limited });
      await expect(refused.next('error')).resolves.toMatchObject({ code: 429, reason: 'TooManySessions' });
      await expect(refused.waitClosed()).resolves.toMatchObject({ code: 4429 });
      expect(await openExecSessions(sandbox)).toBe(2);
    });
  });
});

describe('terminal over WebSocket to an API server before 1.30 (v4.channel.k8s.io only) (e2e)', () => {
  let sandbox: SandboxServer;
  let app: INestApplication;

  beforeAll(async () => {
    sandbox = await SandboxServer.start({
      seed: 'empty',
      timings: FAST_TIMINGS,
      execProtocols: ['v4.channel.k8s.io'],
    });
    sandbox.cluster.create('pods', podManifest('shell'));
    app = await createTestApp({
      env: { KUBECONFIG: kubeconfigFiles(sandbox, { old: sandbox.token }), ENCRYPTION_KEY },
    });
    await eventually(() => expect(sandbox.cluster.pod('default', 'shell')?.status?.phase).toBe('Running'), {
      timeoutMs: 10_000,
    });
  });
  afterAll(async () => {
    await app?.close();
    await sandbox?.stop();
  });

  it('falls back to v4: prompt, input, resize and the exit code', async () => {
    const client = await WsTestClient.connect(wsUrl(app, '/ws/clusters/old/namespaces/default/pods/shell/exec'));
    client.send({ type: 'resize', cols: 90, rows: 33 });
    await client.until(() => client.joined('output').includes(PROMPT));
    client.send({ type: 'input', data: 'echo v4 ✓; size; exit 5\r' });
    await expect(client.next('exit')).resolves.toEqual({ type: 'exit', code: 5 });
    expect(client.joined('output')).toContain('v4 ✓\r\n33 90\r\n');
    await expect(client.waitClosed()).resolves.toMatchObject({ code: 1000 });
  });
});

/**
 * A terminal client that keeps no output: it counts the bytes of `output` data and checks that each message is
 * well-formed output of `yes`, so that a flood costs the test process nothing.
 */
class OutputCounter {
  count = 0;
  readonly problems: string[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      const message = JSON.parse(rawText(raw)) as { type: string; data?: string };
      if (message.type !== 'output' || typeof message.data !== 'string' || !/^[y\r\n]*$/.test(message.data)) {
        if (this.problems.length < 5) this.problems.push(JSON.stringify(message).slice(0, 200));
      } else {
        this.count += message.data.length;
      }
      for (const wake of this.waiters) wake();
    });
  }

  static async connect(url: string): Promise<OutputCounter> {
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return new OutputCounter(socket);
  }

  /** Resolves once at least `count` bytes of output have arrived. */
  bytes(count: number, timeoutMs = 5000): Promise<void> {
    if (this.count >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(
          new Error(
            `only ${this.count} of ${count} bytes within ${timeoutMs} ms; problems: ${this.problems.join(', ')}`,
          ),
        );
      }, timeoutMs);
      const wake = () => {
        if (this.count < count) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
    });
  }
}
