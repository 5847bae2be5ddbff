import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { ExecSession } from '../src/audit/dto/exec-session.dto.js';
import { ExecAudit, type ExecSessionStart } from '../src/audit/exec-audit.js';
import type { Page } from '../src/common/pagination/page.js';
import { parseAsciicast, replay } from './helpers/asciicast.js';
import { baseUrl, createTestApp } from './helpers/create-test-app.js';
import { eventually } from './helpers/eventually.js';

function aStart(overrides: Partial<ExecSessionStart> = {}): ExecSessionStart {
  return {
    requestId: 'req-e2e',
    caller: 'anonymous',
    clusterId: 'audit',
    namespace: 'shop',
    pod: 'web-0',
    container: 'app',
    argv: ['/bin/sh'],
    startedAt: new Date(),
    ...overrides,
  };
}

describe('terminal sessions in the audit log (e2e)', () => {
  let dir: string;
  let app: INestApplication;
  let url: string;
  let audit: ExecAudit;

  const getJson = async (path: string) => {
    const response = await fetch(`${url}${path}`);
    return { status: response.status, body: (await response.json()) as { code: number; data: unknown } };
  };
  const sessions = async (query: string) => {
    const { status, body } = await getJson(`/api/audit/sessions?${query}`);
    expect({ status, code: body.code }).toEqual({ status: 200, code: 200 });
    return body.data as Page<ExecSession>;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pod-api-audit-e2e-'));
    app = await createTestApp({
      env: { EXEC_RECORDING: 'on', EXEC_RECORD_INPUT: 'on', AUDIT_RECORDINGS_DIR: join(dir, 'recordings') },
    });
    url = baseUrl(app);
    audit = app.get(ExecAudit);
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the recordings folder at start, for the service’s user only', () => {
    expect(statSync(join(dir, 'recordings')).mode & 0o777).toBe(0o700);
  });

  it('lists a session and serves its recording, which replays into exactly the output written', async () => {
    const output = ['$ ', 'echo héllo ✓ 😀\r\n', 'héllo ✓ 😀\r\n', '\u001b[1;32m$\u001b[0m ', 'exit 3\r\n'];
    const session = await audit.start(aStart({ clusterId: 'replay', argv: ['sh', '-c', 'echo "a b"'] }));
    session.resized(120, 40);
    session.output(output[0]);
    session.input('echo héllo ✓ 😀\r');
    session.output(output[1]);
    session.output(output[2]);
    session.resized(100, 30);
    session.output(output[3]);
    session.input('exit 3\r');
    session.output(output[4]);
    await session.end({ endedAt: new Date(), outcome: 'exited', exitCode: 3, bytesIn: 29, bytesOut: 71 });

    const { items, total } = await sessions('clusterId=replay');
    expect(total).toBe(1);
    expect(items[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      requestId: 'req-e2e',
      caller: 'anonymous',
      clusterId: 'replay',
      namespace: 'shop',
      pod: 'web-0',
      container: 'app',
      argv: ['sh', '-c', 'echo "a b"'],
      startedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      endedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      durationMs: expect.any(Number),
      outcome: 'exited',
      exitCode: 3,
      bytesIn: 29,
      bytesOut: 71,
      detail: null,
      recording: true,
      recordingError: null,
    });

    const response = await fetch(`${url}/api/audit/sessions/${items[0].id}/recording`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-asciicast');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${items[0].id}.cast"`);
    const { header, events } = parseAsciicast(await response.text());
    expect(header).toMatchObject({
      width: 120,
      height: 40,
      timestamp: Math.floor(Date.parse(items[0].startedAt) / 1000),
    });
    expect(replay(events)).toBe(output.join(''));
    expect(events.filter(([, code]) => code !== 'o').map(([, code, data]) => [code, data])).toEqual([
      ['i', 'echo héllo ✓ 😀\r'],
      ['r', '100x30'],
      ['i', 'exit 3\r'],
    ]);
  });

  it('serves a running session’s recording as far as it is written', async () => {
    const session = await audit.start(aStart({ clusterId: 'running' }));
    session.output('first\r\n');
    const [{ id }] = (await sessions('clusterId=running')).items;
    // Written as it goes: the output reaches the file without the session ending.
    await eventually(async () => {
      const { header, events } = parseAsciicast(
        await (await fetch(`${url}/api/audit/sessions/${id}/recording`)).text(),
      );
      expect(header).toMatchObject({ width: 80, height: 24 });
      expect(replay(events)).toBe('first\r\n');
    });
    await session.end({ endedAt: new Date(), outcome: 'client-closed', exitCode: null, bytesIn: 0, bytesOut: 7 });
  });

  it('lists a session whose end never came, with no end', async () => {
    await audit.start(aStart({ clusterId: 'crashed', startedAt: new Date('2026-03-01T00:00:00Z') }));
    const { items } = await sessions('clusterId=crashed');
    expect(items).toEqual([
      expect.objectContaining({
        startedAt: '2026-03-01T00:00:00.000Z',
        endedAt: null,
        durationMs: null,
        outcome: null,
        exitCode: null,
        bytesIn: null,
        bytesOut: null,
      }),
    ]);
  });

  it('filters on cluster, namespace, pod and start time, newest first, page by page', async () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 1, 1, 10, minute));
    const started = [
      { namespace: 'a', pod: 'p1', startedAt: at(0) },
      { namespace: 'a', pod: 'p2', startedAt: at(1) },
      { namespace: 'b', pod: 'p1', startedAt: at(2) },
      { namespace: 'a', pod: 'p1', startedAt: at(3) },
      { namespace: 'a', pod: 'p1', startedAt: at(4) },
    ];
    for (const [index, start] of started.entries()) {
      const session = await audit.start(aStart({ clusterId: 'filters', requestId: `r${index}`, ...start }));
      await session.end({ endedAt: new Date(), outcome: 'exited', exitCode: 0, bytesIn: 0, bytesOut: 0 });
    }
    await audit.start(aStart({ clusterId: 'filters-other', namespace: 'a', pod: 'p1', startedAt: at(2) }));
    const requests = async (query: string) => (await sessions(query)).items.map((item) => item.requestId);

    expect(await requests('clusterId=filters')).toEqual(['r4', 'r3', 'r2', 'r1', 'r0']);
    expect(await requests('clusterId=filters&namespace=a&pod=p1')).toEqual(['r4', 'r3', 'r0']);
    expect(await requests('clusterId=filters&pod=p1')).toEqual(['r4', 'r3', 'r2', 'r0']);
    expect(await requests('clusterId=filters&since=2026-02-01T10:01:00Z&until=2026-02-01T10:04:00Z')).toEqual([
      'r3',
      'r2',
      'r1',
    ]);
    expect(await requests(`clusterId=filters&since=${encodeURIComponent('2026-02-01T12:03:00+02:00')}`)).toEqual([
      'r4',
      'r3',
    ]);
    await expect(sessions('clusterId=filters&pageSize=2&page=2')).resolves.toMatchObject({
      items: [{ requestId: 'r2' }, { requestId: 'r1' }],
      total: 5,
      page: 2,
      pageSize: 2,
    });
    await expect(sessions('clusterId=filters&pageSize=2&page=4')).resolves.toEqual({
      items: [],
      total: 5,
      page: 4,
      pageSize: 2,
    });
    expect(await requests('namespace=a&pod=p1&since=2026-02-01T10:02:00Z&until=2026-02-01T10:03:00Z')).toEqual([
      'req-e2e',
    ]);
  });

  it('answers 404 for a session that does not exist', async () => {
    const { status, body } = await getJson('/api/audit/sessions/0b8f6a52-5d0e-4f5c-9a57-1c1f0e9f3b1d/recording');
    expect(status).toBe(404);
    expect(body).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'terminal session "0b8f6a52-5d0e-4f5c-9a57-1c1f0e9f3b1d" not found',
      data: null,
    });
  });

  it.each([
    { query: 'since=yesterday', field: 'since' },
    { query: 'until=2026-02-30T00:00:00Z', field: 'until' },
    { query: 'clusterId=Not_An_Id', field: 'clusterId' },
    { query: 'namespace=a.b', field: 'namespace' },
    { query: 'pod=-x', field: 'pod' },
    { query: 'pageSize=501', field: 'pageSize' },
    { query: 'page=0', field: 'page' },
  ])('refuses $query with 400 naming $field', async ({ query, field }) => {
    const { status, body } = await getJson(`/api/audit/sessions?${query}`);
    expect(status).toBe(400);
    expect(body).toMatchObject({
      code: 400,
      reason: 'ValidationFailed',
      details: [expect.objectContaining({ field })],
    });
  });

  it('refuses a session id that is not one with 400', async () => {
    const { status, body } = await getJson('/api/audit/sessions/..%2F..%2Fetc%2Fpasswd/recording');
    expect(status).toBe(400);
    expect(body).toMatchObject({ reason: 'ValidationFailed', details: [expect.objectContaining({ field: 'id' })] });
  });
});

describe('terminal recordings whose folder cannot be made (e2e)', () => {
  it('stop the start, naming the setting and why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pod-api-audit-bad-dir-'));
    try {
      writeFileSync(join(dir, 'a-file'), '');
      const start = createTestApp({
        env: { EXEC_RECORDING: 'on', AUDIT_RECORDINGS_DIR: join(dir, 'a-file', 'recordings') },
      });
      await expect(start).rejects.toThrow('AUDIT_RECORDINGS_DIR: the folder cannot be created (ENOTDIR)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('terminal sessions in the audit log, without recording (e2e)', () => {
  let app: INestApplication;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pod-api-audit-off-e2e-'));
    app = await createTestApp({ env: { EXEC_RECORDING: undefined, AUDIT_RECORDINGS_DIR: join(dir, 'recordings') } });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the session, lists it as not recorded, answers 404 for its recording and writes no file', async () => {
    const session = await app.get(ExecAudit).start(aStart({ clusterId: 'unrecorded' }));
    session.resized(80, 24);
    session.output('not recorded\r\n');
    await session.end({ endedAt: new Date(), outcome: 'exited', exitCode: 0, bytesIn: 0, bytesOut: 14 });
    const list = await fetch(`${baseUrl(app)}/api/audit/sessions?clusterId=unrecorded`);
    const { data } = (await list.json()) as { data: { items: { id: string; recording: boolean }[] } };
    expect(data.items).toEqual([expect.objectContaining({ recording: false, recordingError: null, exitCode: 0 })]);
    const response = await fetch(`${baseUrl(app)}/api/audit/sessions/${data.items[0].id}/recording`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      reason: 'NotFound',
      message: `terminal session "${data.items[0].id}" has no recording`,
    });
    expect(() => statSync(join(dir, 'recordings'))).toThrow(/ENOENT/);
  });
});
