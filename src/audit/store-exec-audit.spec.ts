import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { LogCapture } from '../../test/helpers/log-capture.js';
import { ApiError } from '../common/errors/api-error.js';
import type { AuditConfig } from '../config/audit.config.js';
import { openDatabase, parseDatabaseUrl } from '../store/database.provider.js';
import { migrateToLatest } from '../store/migrate.js';
import type { Database } from '../store/schema.js';
import { AuditEventRepository } from './audit-event.repository.js';
import { AuditTrail } from './audit-trail.js';
import type { ExecSessionEnd, ExecSessionStart } from './exec-audit.js';
import { ExecSessionRepository } from './exec-session.repository.js';
import { FolderRecordingStore } from './folder-recording-store.js';
import { RecordingStore } from './recording-store.js';
import { StoreExecAudit } from './store-exec-audit.js';

const START: ExecSessionStart = {
  requestId: 'req-1',
  caller: 'anonymous',
  clusterId: 'prod',
  namespace: 'shop',
  pod: 'web-0',
  container: 'nginx',
  argv: ['mysql', '-pSECRET-ON-THE-COMMAND-LINE'],
  startedAt: new Date('2026-01-02T03:04:05.678Z'),
};

const END: ExecSessionEnd = {
  endedAt: new Date('2026-01-02T03:05:05.678Z'),
  outcome: 'exited',
  exitCode: 3,
  bytesIn: 7,
  bytesOut: 42,
};

/** A store whose recordings cannot be created, as a folder without write permission. */
class UncreatableRecordings extends RecordingStore {
  create(): Promise<Writable> {
    return Promise.reject(Object.assign(new Error('EACCES: permission denied, open /secret/path'), { code: 'EACCES' }));
  }
  open(): Promise<Readable | undefined> {
    return Promise.resolve(undefined);
  }
}

/** A store whose recordings fail at their first write, as on a full disk. */
class FullDiskRecordings extends RecordingStore {
  create(): Promise<Writable> {
    return Promise.resolve(
      new Writable({
        write: (_chunk, _encoding, done) => done(Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' })),
      }),
    );
  }
  open(): Promise<Readable | undefined> {
    return Promise.resolve(undefined);
  }
}

const config = (overrides: Partial<AuditConfig> = {}): AuditConfig => ({
  recording: true,
  recordInput: false,
  recordingsDir: 'unused',
  ...overrides,
});

describe(StoreExecAudit.name, () => {
  let db: Kysely<Database>;
  let sessions: ExecSessionRepository;
  let events: AuditEventRepository;
  let trail: AuditTrail;
  let dir: string;
  let logs: LogCapture;

  beforeEach(async () => {
    db = openDatabase(parseDatabaseUrl('sqlite::memory:'));
    await migrateToLatest(db, 'sqlite');
    sessions = new ExecSessionRepository(db);
    events = new AuditEventRepository(db);
    trail = new AuditTrail(events);
    dir = mkdtempSync(join(tmpdir(), 'pod-api-exec-audit-'));
    logs = new LogCapture();
    Logger.overrideLogger(logs);
  });

  afterEach(async () => {
    Logger.overrideLogger(false);
    await db.destroy().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  const only = async () => {
    const { items } = await sessions.list({}, { page: 1, pageSize: 10 });
    expect(items).toHaveLength(1);
    return items[0];
  };
  const recordingText = (key: string | null) => readFileSync(join(dir, ...(key ?? 'none').split('/')), 'utf8');

  it('writes the session when it opens, so a session whose end never comes is still on record', async () => {
    const audit = new StoreExecAudit(sessions, new FolderRecordingStore(dir), trail, config({ recording: false }));
    await audit.start(START);
    expect(await only()).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      requestId: 'req-1',
      caller: 'anonymous',
      clusterId: 'prod',
      namespace: 'shop',
      pod: 'web-0',
      container: 'nginx',
      argv: ['mysql', '-pSECRET-ON-THE-COMMAND-LINE'],
      startedAt: '2026-01-02T03:04:05.678Z',
      endedAt: null,
      outcome: null,
      exitCode: null,
      bytesIn: null,
      bytesOut: null,
      detail: null,
      recording: null,
      recordingError: null,
    });
  });

  it('completes the record at the end, once, and logs one line for it without the command', async () => {
    const audit = new StoreExecAudit(sessions, new FolderRecordingStore(dir), trail, config({ recording: false }));
    const session = await audit.start(START);
    await session.end(END);
    await session.end({ ...END, outcome: 'client-closed', exitCode: null });
    expect(await only()).toMatchObject({
      endedAt: '2026-01-02T03:05:05.678Z',
      outcome: 'exited',
      exitCode: 3,
      bytesIn: 7,
      bytesOut: 42,
      detail: null,
      recording: null,
    });
    const { id } = await only();
    expect(logs.events('exec.session.ended')).toEqual([
      {
        event: 'exec.session.ended',
        sessionId: id,
        requestId: 'req-1',
        caller: 'anonymous',
        clusterId: 'prod',
        namespace: 'shop',
        pod: 'web-0',
        container: 'nginx',
        outcome: 'exited',
        exitCode: 3,
        bytesIn: 7,
        bytesOut: 42,
        durationMs: 60_000,
        recorded: false,
      },
    ]);
    expect(JSON.stringify(logs.lines)).not.toContain('SECRET-ON-THE-COMMAND-LINE');
  });

  it('keeps why a session ended other than by exiting', async () => {
    const audit = new StoreExecAudit(sessions, new FolderRecordingStore(dir), trail, config({ recording: false }));
    const session = await audit.start(START);
    await session.end({
      ...END,
      outcome: 'upstream-failed',
      exitCode: null,
      detail: 'container "nginx" is not running',
    });
    expect(await only()).toMatchObject({ outcome: 'upstream-failed', detail: 'container "nginx" is not running' });
  });

  it('records the session as asciicast v2 under a key of its day, and completes it at the end', async () => {
    const audit = new StoreExecAudit(sessions, new FolderRecordingStore(dir), trail, config({ recordInput: true }));
    const session = await audit.start(START);
    const { id, recording } = await only();
    expect(recording).toBe(`2026-01-02/${id}.cast`);
    session.resized(120, 40);
    session.output('$ ');
    session.input('echo ✓\r');
    session.output('echo ✓\r\n✓\r\n$ ');
    session.resized(100, 30);
    await session.end(END);
    const [header, ...events] = recordingText(recording)
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(header).toEqual({
      version: 2,
      width: 120,
      height: 40,
      timestamp: Math.floor(START.startedAt.getTime() / 1000),
      title: 'shop/web-0/nginx @ prod',
    });
    expect(events).toEqual([
      [expect.any(Number), 'o', '$ '],
      [expect.any(Number), 'i', 'echo ✓\r'],
      [expect.any(Number), 'o', 'echo ✓\r\n✓\r\n$ '],
      [expect.any(Number), 'r', '100x30'],
    ]);
    const times = (events as [number][]).map(([time]) => time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(await only()).toMatchObject({ recording, recordingError: null });
    expect(logs.events('exec.session.ended')).toEqual([expect.objectContaining({ recorded: true })]);
  });

  it('leaves input out of the recording unless EXEC_RECORD_INPUT is on', async () => {
    const audit = new StoreExecAudit(sessions, new FolderRecordingStore(dir), trail, config({ recordInput: false }));
    const session = await audit.start(START);
    session.output('$ ');
    session.input('hunter2\r');
    await session.end(END);
    const text = recordingText((await only()).recording);
    expect(text).toContain('"o","$ "');
    expect(text).not.toContain('hunter2');
  });

  it('fails the opening clearly when the session cannot be written to the store', async () => {
    const audit = new StoreExecAudit(sessions, new FolderRecordingStore(dir), trail, config());
    await db.destroy();
    const error = await audit.start(START).catch((thrown: unknown) => thrown);
    expect(error).toEqual(
      new ApiError(503, 'AuditUnavailable', 'the terminal was not opened: it could not be written to the audit log'),
    );
    expect(logs.events('audit.failed')).toEqual([
      expect.objectContaining({
        stage: 'begin',
        action: 'exec.session',
        requestId: 'req-1',
        clusterId: 'prod',
        name: 'web-0',
      }),
    ]);
  });

  it("is one entry of the audit log of actions, under the session's id, completed with how it ended", async () => {
    const audit = new StoreExecAudit(sessions, new FolderRecordingStore(dir), trail, config({ recording: false }));
    const session = await audit.start(START);
    const entries = () => events.list({}, { page: 1, pageSize: 10 }).then((page) => page.items);
    const { id } = await only();
    expect(await entries()).toEqual([
      {
        id,
        at: '2026-01-02T03:04:05.678Z',
        requestId: 'req-1',
        caller: 'anonymous',
        action: 'exec.session',
        clusterId: 'prod',
        namespace: 'shop',
        name: 'web-0',
        request: 'WS /ws/clusters/prod/namespaces/shop/pods/web-0/exec',
        outcome: null,
        status: null,
        reason: null,
        detail: null,
      },
    ]);
    await session.end(END);
    expect(await entries()).toEqual([
      expect.objectContaining({ id, outcome: 'succeeded', detail: 'exited with code 3' }),
    ]);
    expect(JSON.stringify(await entries())).not.toContain('SECRET-ON-THE-COMMAND-LINE');
  });

  it('marks a terminal the cluster refused as failed in the audit log of actions', async () => {
    const audit = new StoreExecAudit(sessions, new FolderRecordingStore(dir), trail, config({ recording: false }));
    const session = await audit.start(START);
    await session.end({ ...END, outcome: 'upstream-failed', exitCode: null, detail: 'pods "web-0" is forbidden' });
    const { items } = await events.list({}, { page: 1, pageSize: 10 });
    expect(items).toEqual([
      expect.objectContaining({ outcome: 'failed', detail: 'upstream-failed: pods "web-0" is forbidden' }),
    ]);
  });

  it('goes on without a recording that cannot be created, and says why in the record', async () => {
    const audit = new StoreExecAudit(sessions, new UncreatableRecordings(), trail, config());
    const session = await audit.start(START);
    session.resized(80, 24);
    session.output('still works');
    await session.end(END);
    expect(await only()).toMatchObject({
      outcome: 'exited',
      recording: null,
      recordingError: 'the recording could not be created (EACCES)',
    });
    const failures = logs.events('exec.recording.failed');
    expect(failures).toEqual([
      expect.objectContaining({ sessionId: (await only()).id, reason: 'the recording could not be created (EACCES)' }),
    ]);
    expect(JSON.stringify(logs.lines)).not.toContain('/secret/path');
  });

  it('goes on when the recording fails midway: logged once, the record says it is incomplete', async () => {
    const audit = new StoreExecAudit(sessions, new FullDiskRecordings(), trail, config());
    const session = await audit.start(START);
    for (let i = 0; i < 20; i++) session.output(`line ${i}\r\n`);
    await session.end(END);
    const record = await only();
    expect(record).toMatchObject({
      outcome: 'exited',
      recording: `2026-01-02/${record.id}.cast`,
      recordingError: 'writing the recording failed (ENOSPC)',
    });
    expect(logs.events('exec.recording.failed')).toEqual([
      expect.objectContaining({ sessionId: record.id, reason: 'writing the recording failed (ENOSPC)' }),
    ]);
  });

  it('ends the terminal normally when the end cannot be stored, keeping the end in the log', async () => {
    const audit = new StoreExecAudit(sessions, new FolderRecordingStore(dir), trail, config({ recording: false }));
    const session = await audit.start(START);
    await db.destroy();
    await expect(session.end(END)).resolves.toBeUndefined();
    expect(logs.events('exec.audit.failed')).toEqual([expect.objectContaining({ stage: 'end', requestId: 'req-1' })]);
    expect(logs.events('exec.session.ended')).toEqual([
      expect.objectContaining({ outcome: 'exited', exitCode: 3, bytesIn: 7, bytesOut: 42 }),
    ]);
  });

  it('completes the recordings of sessions still open when the service stops, and leaves their end to them', async () => {
    const audit = new StoreExecAudit(sessions, new FolderRecordingStore(dir), trail, config());
    const session = await audit.start(START);
    session.resized(90, 30);
    session.output('still running');
    await audit.onApplicationShutdown();
    const { recording, endedAt } = await only();
    expect(recordingText(recording).split('\n')).toEqual([
      expect.stringContaining('"width":90,"height":30'),
      expect.stringMatching(/^\[[\d.]+,"o","still running"\]$/),
      '',
    ]);
    expect(endedAt).toBeNull();
    await session.end(END);
    expect(await only()).toMatchObject({ outcome: 'exited', recordingError: null });
  });

  it('ignores terminal events after the end', async () => {
    const audit = new StoreExecAudit(sessions, new FolderRecordingStore(dir), trail, config());
    const session = await audit.start(START);
    session.output('before');
    await session.end(END);
    expect(() => session.output('after')).not.toThrow();
    expect(recordingText((await only()).recording)).not.toContain('after');
  });
});
