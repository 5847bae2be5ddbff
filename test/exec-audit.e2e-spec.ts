/**
 * Terminals in the audit log, end to end: a session typed into through the service's WebSocket against the
 * simulator is listed by `GET /api/audit/sessions` as it ran, and its recording replays into exactly what the
 * client was sent.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { ExecSession } from '../src/audit/dto/exec-session.dto.js';
import type { Page } from '../src/common/pagination/page.js';
import { FAST_TIMINGS, SandboxServer } from '../src/sandbox/sandbox-server.js';
import { parseAsciicast, replay } from './helpers/asciicast.js';
import { baseUrl, createTestApp, wsUrl } from './helpers/create-test-app.js';
import { eventually } from './helpers/eventually.js';
import { podManifest } from './helpers/sandbox-pods.js';
import { WsTestClient } from './helpers/ws-client.js';

jest.setTimeout(60_000);

const PROMPT = '/ # ';

describe('terminal sessions through the WebSocket, audited and recorded (e2e)', () => {
  let dir: string;
  let sandbox: SandboxServer;
  let app: INestApplication;
  const clients: WsTestClient[] = [];

  const terminal = async (query: Record<string, string>, requestId: string) => {
    const params = new URLSearchParams(query).toString();
    const path = `/ws/clusters/sim/namespaces/default/pods/shell/exec${params ? `?${params}` : ''}`;
    const client = await WsTestClient.connect(wsUrl(app, path), { headers: { 'x-request-id': requestId } });
    clients.push(client);
    return client;
  };
  const output = (client: WsTestClient, text: string) => client.until(() => client.joined('output').includes(text));
  /** The audit record of the session opened by `requestId`, once it has ended. */
  const endedSession = async (requestId: string): Promise<ExecSession> => {
    let session: ExecSession | undefined;
    await eventually(async () => {
      const response = await fetch(`${baseUrl(app)}/api/audit/sessions?clusterId=sim&pod=shell&pageSize=100`);
      const { data } = (await response.json()) as { data: Page<ExecSession> };
      session = data.items.find((item) => item.requestId === requestId);
      expect(session?.endedAt).toEqual(expect.any(String));
    });
    return session as ExecSession;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pod-api-exec-audit-'));
    sandbox = await SandboxServer.start({ seed: 'empty', timings: FAST_TIMINGS });
    sandbox.cluster.create('pods', podManifest('shell', { containers: ['app', 'sidecar'] }));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, sandbox.kubeconfig({ contextName: 'sim' }));
    app = await createTestApp({
      env: {
        KUBECONFIG: kubeconfig,
        EXEC_RECORDING: 'on',
        EXEC_RECORD_INPUT: 'on',
        AUDIT_RECORDINGS_DIR: join(dir, 'recordings'),
      },
    });
    await eventually(() => expect(sandbox.cluster.pod('default', 'shell')?.status?.phase).toBe('Running'), {
      timeoutMs: 10_000,
    });
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.socket.terminate();
  });
  afterAll(async () => {
    await app?.close();
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records who ran what where, how it ended and the bytes each way; the recording replays what the client saw', async () => {
    const typed = ['echo héllo 🚀 漢字\r', 'size\r', 'exit 3\r'];
    const client = await terminal({ container: 'sidecar' }, 'req-typed');
    client.send({ type: 'resize', cols: 100, rows: 30 }); // before the process has started: the recording's size
    await output(client, PROMPT);
    client.send({ type: 'input', data: typed[0] });
    await output(client, `héllo 🚀 漢字\r\n${PROMPT}`);
    client.send({ type: 'resize', cols: 120, rows: 40 });
    client.send({ type: 'input', data: typed[1] });
    await output(client, `40 120\r\n${PROMPT}`);
    client.send({ type: 'input', data: typed[2] });
    await expect(client.next('exit')).resolves.toEqual({ type: 'exit', code: 3 });
    const seen = client.joined('output');

    const session = await endedSession('req-typed');
    expect(session).toMatchObject({
      caller: 'anonymous',
      clusterId: 'sim',
      namespace: 'default',
      pod: 'shell',
      container: 'sidecar',
      argv: ['/bin/sh'],
      outcome: 'exited',
      exitCode: 3,
      bytesIn: Buffer.byteLength(typed.join('')),
      bytesOut: Buffer.byteLength(seen),
      detail: null,
      recording: true,
      recordingError: null,
    });
    expect(Date.parse(session.endedAt as string)).toBeGreaterThanOrEqual(Date.parse(session.startedAt));

    const response = await fetch(`${baseUrl(app)}/api/audit/sessions/${session.id}/recording`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-asciicast');
    const { header, events } = parseAsciicast(await response.text());
    expect(header).toMatchObject({ width: 100, height: 30 });
    expect(replay(events)).toBe(seen);
    expect(events.filter(([, code]) => code !== 'o').map(([, code, data]) => [code, data])).toEqual([
      ['i', typed[0]],
      ['r', '120x40'],
      ['i', typed[1]],
      ['i', typed[2]],
    ]);
  });

  it('records the argv of a command as it was split', async () => {
    const client = await terminal({ command: `printf '%s|' 'a b' "c'd"` }, 'req-argv');
    await expect(client.next('exit')).resolves.toEqual({ type: 'exit', code: 0 });
    const session = await endedSession('req-argv');
    expect(session).toMatchObject({ argv: ['printf', '%s|', 'a b', "c'd"], container: 'app', exitCode: 0 });
    expect(session.bytesOut).toBe(Buffer.byteLength(client.joined('output')));
  });

  it('records a session the client closed, and one the cluster refused, with how each ended', async () => {
    const closed = await terminal({}, 'req-closed');
    await output(closed, PROMPT);
    closed.close();
    await expect(endedSession('req-closed')).resolves.toMatchObject({
      outcome: 'client-closed',
      exitCode: null,
      bytesOut: Buffer.byteLength(PROMPT),
    });

    const refused = await terminal({ container: 'db' }, 'req-refused');
    await expect(refused.waitClosed()).resolves.toMatchObject({ code: 4404 });
    await expect(endedSession('req-refused')).resolves.toMatchObject({
      outcome: 'upstream-failed',
      container: 'db',
      exitCode: null,
      bytesIn: 0,
      bytesOut: 0,
      detail: expect.stringContaining('"db"'),
    });
  });
});
