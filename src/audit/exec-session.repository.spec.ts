import type { Kysely } from 'kysely';
import { testDatabaseTargets, type TestDatabase } from '../../test/helpers/postgres.js';
import { openDatabase, parseDatabaseUrl } from '../store/database.provider.js';
import { migrateToLatest } from '../store/migrate.js';
import type { Database } from '../store/schema.js';
import type { ExecSessionCompletion, NewExecSession } from './exec-session-record.js';
import { ExecSessionRepository } from './exec-session.repository.js';

function aSession(id: string, overrides: Partial<NewExecSession> = {}): NewExecSession {
  return {
    id,
    requestId: `req-${id}`,
    caller: 'anonymous',
    clusterId: 'prod',
    namespace: 'shop',
    pod: 'web-0',
    container: 'nginx',
    argv: ['/bin/sh'],
    startedAt: new Date('2026-01-01T00:00:00.000Z'),
    recording: null,
    ...overrides,
  };
}

function anEnd(overrides: Partial<ExecSessionCompletion> = {}): ExecSessionCompletion {
  return {
    endedAt: new Date('2026-01-01T00:01:00.000Z'),
    outcome: 'exited',
    exitCode: 0,
    bytesIn: 10,
    bytesOut: 200,
    recording: null,
    recordingError: null,
    ...overrides,
  };
}

const PAGE = { page: 1, pageSize: 20 };

describe.each(testDatabaseTargets())(`${ExecSessionRepository.name} on $dialect`, (target) => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  let sessions: ExecSessionRepository;

  beforeAll(async () => {
    database = await target.create();
    db = openDatabase(parseDatabaseUrl(database.url));
    await migrateToLatest(db, target.dialect);
    sessions = new ExecSessionRepository(db);
  });

  beforeEach(async () => {
    await db.deleteFrom('exec_sessions').execute();
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  const ids = async (filter = {}, page = PAGE) => (await sessions.list(filter, page)).items.map((item) => item.id);

  it('stores a session when it opens, with no end', async () => {
    await sessions.insert(aSession('s1', { argv: ['sh', '-c', 'echo "ünï" \'x\''], recording: '2026-01-01/s1.cast' }));
    await expect(sessions.get('s1')).resolves.toEqual({
      id: 's1',
      requestId: 'req-s1',
      caller: 'anonymous',
      clusterId: 'prod',
      namespace: 'shop',
      pod: 'web-0',
      container: 'nginx',
      argv: ['sh', '-c', 'echo "ünï" \'x\''],
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: null,
      outcome: null,
      exitCode: null,
      bytesIn: null,
      bytesOut: null,
      detail: null,
      recording: '2026-01-01/s1.cast',
      recordingError: null,
    });
    await expect(sessions.get('absent')).resolves.toBeUndefined();
  });

  it('completes a session once: a second end changes nothing', async () => {
    await sessions.insert(aSession('s1', { recording: 'k' }));
    const end = anEnd({
      outcome: 'idle-timeout',
      exitCode: null,
      detail: 'no input or output for 900 s',
      recording: 'k',
      recordingError: 'the recording could not be written (ENOSPC)',
    });
    await expect(sessions.complete('s1', end)).resolves.toBe(true);
    await expect(sessions.complete('s1', anEnd({ outcome: 'exited', exitCode: 3 }))).resolves.toBe(false);
    await expect(sessions.get('s1')).resolves.toMatchObject({
      endedAt: '2026-01-01T00:01:00.000Z',
      outcome: 'idle-timeout',
      exitCode: null,
      bytesIn: 10,
      bytesOut: 200,
      detail: 'no input or output for 900 s',
      recording: 'k',
      recordingError: 'the recording could not be written (ENOSPC)',
    });
    await expect(sessions.complete('absent', anEnd())).resolves.toBe(false);
  });

  it('keeps exit codes and byte counts as numbers, large ones exactly', async () => {
    await sessions.insert(aSession('s1'));
    await sessions.complete('s1', anEnd({ exitCode: 137, bytesIn: 0, bytesOut: 9_007_199_254_740_991 }));
    await expect(sessions.get('s1')).resolves.toMatchObject({
      exitCode: 137,
      bytesIn: 0,
      bytesOut: 9_007_199_254_740_991,
    });
  });

  it('drops the recording key when the end says none was kept', async () => {
    await sessions.insert(aSession('s1', { recording: 'k' }));
    await sessions.complete('s1', anEnd({ recording: null, recordingError: 'could not be created (EACCES)' }));
    await expect(sessions.get('s1')).resolves.toMatchObject({
      recording: null,
      recordingError: 'could not be created (EACCES)',
    });
  });

  it('lists newest first, ties by id, with the real total, page by page', async () => {
    await sessions.insert(aSession('a', { startedAt: new Date('2026-01-01T00:00:01Z') }));
    await sessions.insert(aSession('c', { startedAt: new Date('2026-01-01T00:00:03Z') }));
    await sessions.insert(aSession('b-2', { startedAt: new Date('2026-01-01T00:00:02Z') }));
    await sessions.insert(aSession('b1', { startedAt: new Date('2026-01-01T00:00:02Z') }));
    // Byte order puts "b1" after "b-2" ('1' > '-'); a linguistic collation ignoring punctuation would not.
    expect(await ids()).toEqual(['c', 'b1', 'b-2', 'a']);
    await expect(sessions.list({}, { page: 2, pageSize: 3 })).resolves.toMatchObject({
      items: [{ id: 'a' }],
      total: 4,
      page: 2,
      pageSize: 3,
    });
    await expect(sessions.list({}, { page: 3, pageSize: 3 })).resolves.toEqual({
      items: [],
      total: 4,
      page: 3,
      pageSize: 3,
    });
  });

  it('filters on cluster, namespace and pod exactly', async () => {
    await sessions.insert(aSession('1', { clusterId: 'prod', namespace: 'shop', pod: 'web-0' }));
    await sessions.insert(aSession('2', { clusterId: 'prod', namespace: 'shop', pod: 'web-1' }));
    await sessions.insert(aSession('3', { clusterId: 'prod', namespace: 'shop-2', pod: 'web-0' }));
    await sessions.insert(aSession('4', { clusterId: 'prod-eu', namespace: 'shop', pod: 'web-0' }));
    const sorted = async (filter: object) => (await ids(filter)).sort();
    expect(await sorted({ clusterId: 'prod' })).toEqual(['1', '2', '3']);
    expect(await sorted({ namespace: 'shop' })).toEqual(['1', '2', '4']);
    expect(await sorted({ pod: 'web-0' })).toEqual(['1', '3', '4']);
    expect(await sorted({ clusterId: 'prod', namespace: 'shop', pod: 'web-0' })).toEqual(['1']);
    expect(await sorted({ clusterId: 'pro' })).toEqual([]);
    await expect(sessions.list({ clusterId: 'prod' }, PAGE)).resolves.toMatchObject({ total: 3 });
  });

  it('filters on the start time: since inclusive, until exclusive, in any offset', async () => {
    await sessions.insert(aSession('early', { startedAt: new Date('2026-01-01T09:59:59.999Z') }));
    await sessions.insert(aSession('on-since', { startedAt: new Date('2026-01-01T10:00:00.000Z') }));
    await sessions.insert(aSession('inside', { startedAt: new Date('2026-01-01T10:30:00.000Z') }));
    await sessions.insert(aSession('on-until', { startedAt: new Date('2026-01-01T11:00:00.000Z') }));
    expect(await ids({ since: '2026-01-01T10:00:00Z' })).toEqual(['on-until', 'inside', 'on-since']);
    expect(await ids({ until: '2026-01-01T11:00:00Z' })).toEqual(['inside', 'on-since', 'early']);
    expect(await ids({ since: '2026-01-01T12:00:00+02:00', until: '2026-01-01T12:00:00.000001+01:00' })).toEqual([
      'on-until',
      'inside',
      'on-since',
    ]);
    // Between two milliseconds: a start at .999 is before .9995.
    expect(await ids({ since: '2026-01-01T09:59:59.9995Z', until: '2026-01-01T10:00:00.0001Z' })).toEqual(['on-since']);
    await expect(
      sessions.list({ since: '2026-01-01T10:00:00Z', until: '2026-01-01T11:00:00Z' }, PAGE),
    ).resolves.toMatchObject({ total: 2 });
  });

  it('lists a session whose end never came beside ended ones', async () => {
    await sessions.insert(aSession('ended', { startedAt: new Date('2026-01-01T00:00:00Z') }));
    await sessions.complete('ended', anEnd());
    await sessions.insert(aSession('running', { startedAt: new Date('2026-01-01T00:00:05Z') }));
    const { items } = await sessions.list({}, PAGE);
    expect(items.map(({ id, endedAt, outcome }) => ({ id, endedAt, outcome }))).toEqual([
      { id: 'running', endedAt: null, outcome: null },
      { id: 'ended', endedAt: '2026-01-01T00:01:00.000Z', outcome: 'exited' },
    ]);
  });

  it('refuses a second session with the same id', async () => {
    await sessions.insert(aSession('s1'));
    await expect(sessions.insert(aSession('s1'))).rejects.toThrow();
  });
});
