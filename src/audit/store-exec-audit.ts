import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { auditConfig, type AuditConfig } from '../config/audit.config.js';
import type { AuditEventEnd } from './audit-event.js';
import { auditUnavailable, AuditTrail, type AuditedAction } from './audit-trail.js';
import { ExecAudit, type ExecSessionAudit, type ExecSessionEnd, type ExecSessionStart } from './exec-audit.js';
import { ExecSessionRepository } from './exec-session.repository.js';
import { RecordingStore } from './recording-store.js';
import { SessionRecording } from './session-recording.js';

/**
 * Terminal sessions in the audit log: each is written to the store when it opens (a session that cannot be written
 * is not opened) and completed when it ends, and, with EXEC_RECORDING=on, recorded as it goes. Nothing after the
 * opening can break the terminal: a recording that cannot be written, or an end that cannot be stored, is logged
 * and the session goes on (or ends) as it would have.
 */
@Injectable()
export class StoreExecAudit extends ExecAudit implements OnApplicationShutdown {
  private readonly logger = new Logger('ExecAudit');
  /** The sessions not ended yet, whose recordings are open. */
  private readonly open = new Set<AuditedSession>();

  constructor(
    private readonly sessions: ExecSessionRepository,
    private readonly recordings: RecordingStore,
    private readonly trail: AuditTrail,
    @Inject(auditConfig.KEY) private readonly config: AuditConfig,
  ) {
    super();
  }

  async start(start: ExecSessionStart): Promise<ExecSessionAudit> {
    const id = randomUUID();
    const key = this.config.recording ? recordingKey(start.startedAt, id) : null;
    // The terminal's line in the audit log of actions, under the same id as its session record.
    const entry = await this.trail.begin(
      {
        action: 'exec.session',
        caller: start.caller,
        target: { clusterId: start.clusterId, namespace: start.namespace, name: start.pod },
        request: `WS /ws/clusters/${start.clusterId}/namespaces/${start.namespace}/pods/${start.pod}/exec`,
        requestId: start.requestId,
        at: start.startedAt,
      },
      id,
    );
    try {
      await this.sessions.insert({ ...start, id, recording: key });
    } catch (error) {
      this.logger.error({ event: 'exec.audit.failed', stage: 'start', ...targetOf(start), detail: messageOf(error) });
      const refusal = auditUnavailable('exec.session');
      await entry.end({ outcome: 'failed', status: refusal.status, reason: refusal.reason, detail: refusal.message });
      throw refusal;
    }
    const session = new AuditedSession(id, start, entry, this.sessions, this.logger, () => this.open.delete(session));
    if (key !== null) await session.record(key, this.recordings, this.config.recordInput);
    this.open.add(session);
    return session;
  }

  /**
   * Completes the recordings of sessions still open when the service stops (their terminals close with it), so that
   * each is whole on disk and its file is closed. The records' ends are the sessions' own to write.
   */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.open].map((session) => session.finishRecording()));
  }
}

/** One session's audit record and recording. */
class AuditedSession implements ExecSessionAudit {
  private recording?: SessionRecording;
  private recordingKey: string | null = null;
  private recordingError: string | null = null;
  private ending?: Promise<void>;

  constructor(
    private readonly id: string,
    private readonly start: ExecSessionStart,
    private readonly entry: AuditedAction,
    private readonly sessions: ExecSessionRepository,
    private readonly logger: Logger,
    private readonly onEnd: () => void,
  ) {}

  /** Starts the recording; one that cannot be created is logged, and the session goes on without it. */
  async record(key: string, recordings: RecordingStore, recordInput: boolean): Promise<void> {
    try {
      const sink = await recordings.create(key);
      const { clusterId, namespace, pod, container, startedAt } = this.start;
      this.recording = new SessionRecording(sink, {
        startedAt,
        title: `${namespace}/${pod}/${container} @ ${clusterId}`,
        recordInput,
        now: () => performance.now(),
        onFailure: (reason) => this.recordingFailed(reason),
      });
      this.recordingKey = key;
    } catch (error) {
      this.recordingFailed(`the recording could not be created${codeOf(error)}`);
    }
  }

  resized(cols: number, rows: number): void {
    if (this.ending === undefined) this.recording?.resized(cols, rows);
  }

  output(data: string): void {
    if (this.ending === undefined) this.recording?.output(data);
  }

  input(data: string): void {
    if (this.ending === undefined) this.recording?.input(data);
  }

  end(end: ExecSessionEnd): Promise<void> {
    this.ending ??= this.complete(end);
    return this.ending;
  }

  /** Completes the recording (later events are not recorded); resolves with why it is incomplete, if it is. */
  async finishRecording(): Promise<string | null> {
    return (await this.recording?.finish()) ?? this.recordingError;
  }

  private async complete(end: ExecSessionEnd): Promise<void> {
    this.onEnd();
    const recordingError = await this.finishRecording();
    try {
      await this.sessions.complete(this.id, { ...end, recording: this.recordingKey, recordingError });
    } catch (error) {
      this.logger.error({
        event: 'exec.audit.failed',
        stage: 'end',
        ...targetOf(this.start),
        detail: messageOf(error),
      });
    }
    await this.entry.end(actionEnd(end));
    // The end, also in the log: it outlives a store that could not take it. The command stays out of the log: an
    // argument may be a secret (`mysql -p…`), and the store, which admins alone read, keeps it.
    this.logger.log({
      event: 'exec.session.ended',
      sessionId: this.id,
      ...targetOf(this.start),
      outcome: end.outcome,
      exitCode: end.exitCode,
      bytesIn: end.bytesIn,
      bytesOut: end.bytesOut,
      durationMs: end.endedAt.getTime() - this.start.startedAt.getTime(),
      ...(end.detail ? { detail: end.detail } : {}),
      recorded: this.recordingKey !== null,
    });
  }

  private recordingFailed(reason: string): void {
    this.recordingError = reason;
    this.logger.error({ event: 'exec.recording.failed', sessionId: this.id, ...targetOf(this.start), reason });
  }
}

/** A terminal's end in the audit log of actions: it failed only when the cluster refused or lost it. */
function actionEnd({ outcome, exitCode, detail }: ExecSessionEnd): AuditEventEnd {
  const how = outcome === 'exited' ? `exited with code ${exitCode}` : outcome;
  const text = detail ? `${how}: ${detail}` : how;
  return outcome === 'upstream-failed' ? { outcome: 'failed', detail: text } : { outcome: 'succeeded', detail: text };
}

/** One folder a day (UTC), so that a recordings folder stays browsable and old days can be removed whole. */
function recordingKey(startedAt: Date, id: string): string {
  return `${startedAt.toISOString().slice(0, 10)}/${id}.cast`;
}

function targetOf({ requestId, caller, clusterId, namespace, pod, container }: ExecSessionStart) {
  return { requestId, caller, clusterId, namespace, pod, container };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** ` (EACCES)`: the code alone, as the message names a path of the service's machine. */
function codeOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? ` (${code})` : '';
}
