import { Inject, Injectable } from '@nestjs/common';
import type { Kysely, Selectable, SelectQueryBuilder } from 'kysely';
import type { Page } from '../common/pagination/page.js';
import { DATABASE } from '../store/database.provider.js';
import type { AuditEventsTable, Database } from '../store/schema.js';
import type {
  AuditAction,
  AuditEventEnd,
  AuditEventFilter,
  AuditEventRecord,
  AuditEventStart,
  AuditOutcome,
} from './audit-event.js';
import { toStoredBound } from './time-bound.js';

/**
 * The audit log of actions and refusals, in the `audit_events` table: an action's row is inserted before it is taken
 * and completed once with its outcome; a refusal's is inserted whole. Plain Kysely over `text` columns, meaning the
 * same on SQLite and PostgreSQL.
 */
@Injectable()
export class AuditEventRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  async insert(id: string, start: AuditEventStart, end?: AuditEventEnd): Promise<void> {
    const { clusterId, namespace, name } = start.target;
    await this.db
      .insertInto('audit_events')
      .values({
        id,
        at: start.at.toISOString(),
        request_id: start.requestId,
        caller: start.caller,
        action: start.action,
        cluster_id: end?.clusterId ?? clusterId ?? null,
        namespace: namespace ?? null,
        name: name ?? null,
        request: start.request,
        ...endColumns(end),
      })
      .execute();
  }

  /** Writes the action's end, unless it has one already; whether it did. */
  async complete(id: string, end: AuditEventEnd): Promise<boolean> {
    const result = await this.db
      .updateTable('audit_events')
      .set({ ...endColumns(end), ...(end.clusterId === undefined ? {} : { cluster_id: end.clusterId }) })
      .where('id', '=', id)
      .where('outcome', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** One page of the entries matching the filter, newest first (ties by id, descending), and their total. */
  async list(filter: AuditEventFilter, page: { page: number; pageSize: number }): Promise<Page<AuditEventRecord>> {
    const matching = narrow(this.db.selectFrom('audit_events'), filter);
    const [{ count }, rows] = await Promise.all([
      matching.select((eb) => eb.fn.countAll<string | number>().as('count')).executeTakeFirstOrThrow(),
      matching
        .selectAll()
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(page.pageSize)
        .offset((page.page - 1) * page.pageSize)
        .execute(),
    ]);
    // PostgreSQL's count is a bigint, which pg returns as a string.
    return { items: rows.map(toRecord), total: Number(count), page: page.page, pageSize: page.pageSize };
  }
}

function endColumns(end: AuditEventEnd | undefined) {
  return {
    outcome: end?.outcome ?? null,
    status: end?.status === undefined ? null : String(end.status),
    reason: end?.reason ?? null,
    detail: end?.detail ?? null,
  };
}

function narrow<O>(
  query: SelectQueryBuilder<Database, 'audit_events', O>,
  filter: AuditEventFilter,
): SelectQueryBuilder<Database, 'audit_events', O> {
  let narrowed = query;
  if (filter.clusterId !== undefined) narrowed = narrowed.where('cluster_id', '=', filter.clusterId);
  if (filter.action !== undefined) narrowed = narrowed.where('action', '=', filter.action);
  if (filter.caller !== undefined) narrowed = narrowed.where('caller', '=', filter.caller);
  if (filter.outcome !== undefined) narrowed = narrowed.where('outcome', '=', filter.outcome);
  if (filter.since !== undefined) narrowed = narrowed.where('at', '>=', toStoredBound(filter.since));
  if (filter.until !== undefined) narrowed = narrowed.where('at', '<', toStoredBound(filter.until));
  return narrowed;
}

function toRecord(row: Selectable<AuditEventsTable>): AuditEventRecord {
  return {
    id: row.id,
    at: row.at,
    requestId: row.request_id,
    caller: row.caller,
    action: row.action as AuditAction,
    clusterId: row.cluster_id,
    namespace: row.namespace,
    name: row.name,
    request: row.request,
    outcome: row.outcome as AuditOutcome | null,
    status: row.status === null ? null : Number(row.status),
    reason: row.reason,
    detail: row.detail,
  };
}
