import { Inject, Injectable } from '@nestjs/common';
import type { Kysely, Selectable, SelectQueryBuilder } from 'kysely';
import type { Page } from '../common/pagination/page.js';
import { DATABASE } from '../store/database.provider.js';
import type { Database, ExecSessionsTable } from '../store/schema.js';
import type { ExecSessionOutcome } from './exec-audit.js';
import type {
  ExecSessionCompletion,
  ExecSessionFilter,
  ExecSessionRecord,
  NewExecSession,
} from './exec-session-record.js';
import { toStoredBound } from './time-bound.js';

/**
 * The audit log of terminal sessions, in the `exec_sessions` table: a row inserted when a session opens, completed
 * once when it ends. Plain Kysely over `text` columns (numbers as decimal text, times as `toISOString()`), meaning
 * the same on SQLite and PostgreSQL.
 */
@Injectable()
export class ExecSessionRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  async insert(session: NewExecSession): Promise<void> {
    await this.db
      .insertInto('exec_sessions')
      .values({
        id: session.id,
        request_id: session.requestId,
        caller: session.caller,
        cluster_id: session.clusterId,
        namespace: session.namespace,
        pod: session.pod,
        container: session.container,
        argv: JSON.stringify(session.argv),
        started_at: session.startedAt.toISOString(),
        ended_at: null,
        outcome: null,
        exit_code: null,
        bytes_in: null,
        bytes_out: null,
        detail: null,
        recording: session.recording,
        recording_error: null,
      })
      .execute();
  }

  /** Writes the session's end, unless it has one already; whether it did. */
  async complete(id: string, end: ExecSessionCompletion): Promise<boolean> {
    const result = await this.db
      .updateTable('exec_sessions')
      .set({
        ended_at: end.endedAt.toISOString(),
        outcome: end.outcome,
        exit_code: numberText(end.exitCode),
        bytes_in: String(end.bytesIn),
        bytes_out: String(end.bytesOut),
        detail: end.detail ?? null,
        recording: end.recording,
        recording_error: end.recordingError,
      })
      .where('id', '=', id)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async get(id: string): Promise<ExecSessionRecord | undefined> {
    const row = await this.db.selectFrom('exec_sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  /** One page of the sessions matching the filter, newest first (ties by id, descending), and their total. */
  async list(filter: ExecSessionFilter, page: { page: number; pageSize: number }): Promise<Page<ExecSessionRecord>> {
    const matching = narrow(this.db.selectFrom('exec_sessions'), filter);
    const [{ count }, rows] = await Promise.all([
      matching.select((eb) => eb.fn.countAll<string | number>().as('count')).executeTakeFirstOrThrow(),
      matching
        .selectAll()
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(page.pageSize)
        .offset((page.page - 1) * page.pageSize)
        .execute(),
    ]);
    // PostgreSQL's count is a bigint, which pg returns as a string.
    return { items: rows.map(toRecord), total: Number(count), page: page.page, pageSize: page.pageSize };
  }
}

function narrow<O>(
  query: SelectQueryBuilder<Database, 'exec_sessions', O>,
  filter: ExecSessionFilter,
): SelectQueryBuilder<Database, 'exec_sessions', O> {
  let narrowed = query;
  if (filter.clusterId !== undefined) narrowed = narrowed.where('cluster_id', '=', filter.clusterId);
  if (filter.namespace !== undefined) narrowed = narrowed.where('namespace', '=', filter.namespace);
  if (filter.pod !== undefined) narrowed = narrowed.where('pod', '=', filter.pod);
  if (filter.since !== undefined) narrowed = narrowed.where('started_at', '>=', toStoredBound(filter.since));
  if (filter.until !== undefined) narrowed = narrowed.where('started_at', '<', toStoredBound(filter.until));
  return narrowed;
}

function toRecord(row: Selectable<ExecSessionsTable>): ExecSessionRecord {
  return {
    id: row.id,
    requestId: row.request_id,
    caller: row.caller,
    clusterId: row.cluster_id,
    namespace: row.namespace,
    pod: row.pod,
    container: row.container,
    argv: JSON.parse(row.argv) as string[],
    startedAt: row.started_at,
    endedAt: row.ended_at,
    outcome: row.outcome as ExecSessionOutcome | null,
    exitCode: textNumber(row.exit_code),
    bytesIn: textNumber(row.bytes_in),
    bytesOut: textNumber(row.bytes_out),
    detail: row.detail,
    recording: row.recording,
    recordingError: row.recording_error,
  };
}

function numberText(value: number | null): string | null {
  return value === null ? null : String(value);
}

function textNumber(value: string | null): number | null {
  return value === null ? null : Number(value);
}
