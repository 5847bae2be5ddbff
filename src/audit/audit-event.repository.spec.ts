import type { Kysely } from 'kysely';
import { testDatabaseTargets, type TestDatabase } from '../../test/helpers/postgres.js';
import { openDatabase, parseDatabaseUrl } from '../store/database.provider.js';
import { migrateToLatest } from '../store/migrate.js';
import type { Database } from '../store/schema.js';
import type { AuditEventStart } from './audit-event.js';
import { AuditEventRepository } from './audit-event.repository.js';

function aStart(overrides: Partial<AuditEventStart> = {}): AuditEventStart {
  return {
    action: 'pod.delete',
    caller: 'user:alice',
    target: { clusterId: 'prod', namespace: 'shop', name: 'web-0' },
    request: 'DELETE /api/clusters/prod/namespaces/shop/pods/web-0',
    requestId: 'req-1',
    at: new Date('2026-01-01T00:00:00.000Z'),
    ...overrides,
  };
}

const PAGE = { page: 1, pageSize: 20 };

describe.each(testDatabaseTargets())(`${AuditEventRepository.name} on $dialect`, (target) => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  let events: AuditEventRepository;

  beforeAll(async () => {
    database = await target.create();
    db = openDatabase(parseDatabaseUrl(database.url));
    await migrateToLatest(db, target.dialect);
    events = new AuditEventRepository(db);
  });

  beforeEach(async () => {
    await db.deleteFrom('audit_events').execute();
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  const ids = async (filter = {}) => (await events.list(filter, PAGE)).items.map((item) => item.id);

  it('stores an action as it begins, with no outcome, and completes it once', async () => {
    await events.insert('e1', aStart());
    await expect(events.list({}, PAGE)).resolves.toEqual({
      items: [
        {
          id: 'e1',
          at: '2026-01-01T00:00:00.000Z',
          requestId: 'req-1',
          caller: 'user:alice',
          action: 'pod.delete',
          clusterId: 'prod',
          namespace: 'shop',
          name: 'web-0',
          request: 'DELETE /api/clusters/prod/namespaces/shop/pods/web-0',
          outcome: null,
          status: null,
          reason: null,
          detail: null,
        },
      ],
      total: 1,
      page: 1,
      pageSize: 20,
    });
    const failure = { outcome: 'failed', status: 404, reason: 'NotFound', detail: 'pod "web-0" not found' } as const;
    await expect(events.complete('e1', failure)).resolves.toBe(true);
    await expect(events.complete('e1', { outcome: 'succeeded' })).resolves.toBe(false);
    await expect(events.complete('absent', { outcome: 'succeeded' })).resolves.toBe(false);
    expect((await events.list({}, PAGE)).items[0]).toMatchObject(failure);
  });

  it('takes a target known only at the end (a registered cluster), and stores a refusal whole', async () => {
    await events.insert('reg', aStart({ action: 'cluster.register', target: {}, request: 'POST /api/clusters' }));
    await events.complete('reg', { outcome: 'succeeded', clusterId: 'prod-eu' });
    await events.insert(
      'no',
      aStart({ action: 'access.denied', target: { clusterId: 'prod' }, at: new Date('2026-01-01T00:00:01Z') }),
      { outcome: 'denied', status: 403, reason: 'Forbidden', detail: 'user:alice needs the admin role' },
    );
    const { items } = await events.list({}, PAGE);
    expect(
      items.map(({ id, clusterId, namespace, name, outcome, status }) => ({
        id,
        clusterId,
        namespace,
        name,
        outcome,
        status,
      })),
    ).toEqual([
      { id: 'no', clusterId: 'prod', namespace: null, name: null, outcome: 'denied', status: 403 },
      { id: 'reg', clusterId: 'prod-eu', namespace: null, name: null, outcome: 'succeeded', status: null },
    ]);
  });

  it('lists newest first, ties by id byte-wise, with the real total, page by page', async () => {
    await events.insert('a', aStart({ at: new Date('2026-01-01T00:00:01Z') }));
    await events.insert('c', aStart({ at: new Date('2026-01-01T00:00:03Z') }));
    await events.insert('b-2', aStart({ at: new Date('2026-01-01T00:00:02Z') }));
    await events.insert('b1', aStart({ at: new Date('2026-01-01T00:00:02Z') }));
    expect(await ids()).toEqual(['c', 'b1', 'b-2', 'a']);
    await expect(events.list({}, { page: 2, pageSize: 3 })).resolves.toMatchObject({
      items: [{ id: 'a' }],
      total: 4,
      page: 2,
      pageSize: 3,
    });
  });

  it('filters on cluster, action, caller and outcome exactly, and on time (since inclusive, until exclusive)', async () => {
    await events.insert('1', aStart({ at: new Date('2026-01-01T10:00:00.000Z') }), { outcome: 'succeeded' });
    await events.insert('2', aStart({ caller: 'user:alice-2', at: new Date('2026-01-01T10:30:00Z') }));
    await events.insert('3', aStart({ action: 'cluster.unregister', target: { clusterId: 'prod-eu' } }));
    await events.insert('4', aStart({ action: 'access.denied', at: new Date('2026-01-01T11:00:00Z') }), {
      outcome: 'denied',
    });
    const sorted = async (filter: object) => (await ids(filter)).sort();
    expect(await sorted({ clusterId: 'prod' })).toEqual(['1', '2', '4']);
    expect(await sorted({ clusterId: 'pro' })).toEqual([]);
    expect(await sorted({ action: 'pod.delete' })).toEqual(['1', '2']);
    expect(await sorted({ caller: 'user:alice' })).toEqual(['1', '3', '4']);
    expect(await sorted({ outcome: 'denied' })).toEqual(['4']);
    expect(await sorted({ since: '2026-01-01T10:00:00Z', until: '2026-01-01T12:00:00+01:00' })).toEqual(['1', '2']);
    await expect(events.list({ action: 'pod.delete', caller: 'user:alice' }, PAGE)).resolves.toMatchObject({
      total: 1,
    });
  });
});
