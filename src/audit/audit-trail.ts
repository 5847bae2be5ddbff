import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ApiError } from '../common/errors/api-error.js';
import type { AuditAction, AuditEventEnd, AuditEventStart } from './audit-event.js';
import { AuditEventRepository } from './audit-event.repository.js';

/** What the caller is told when an action is refused because the audit log could not take it. */
const NOT_DONE: Record<Exclude<AuditAction, 'access.denied'>, string> = {
  'pod.delete': 'the pod was not deleted',
  'cluster.register': 'the cluster was not registered',
  'cluster.update': 'the cluster was not changed',
  'cluster.unregister': 'the cluster was not unregistered',
  'exec.session': 'the terminal was not opened',
};

/**
 * Writes the audit log of actions and refusals. An action is written before it is taken, and one the log cannot
 * take is not taken (503 `AuditUnavailable`): nothing is done unaudited. Its end, and a refusal, are written after
 * the fact; one the store cannot take is logged whole instead, so it is not lost, and the answer stands.
 */
@Injectable()
export class AuditTrail {
  private readonly logger = new Logger('Audit');

  constructor(private readonly events: AuditEventRepository) {}

  /** Writes an action about to be taken; its `end` completes the entry. */
  async begin(start: AuditEventStart & { action: keyof typeof NOT_DONE }, id = randomUUID()): Promise<AuditedAction> {
    try {
      await this.events.insert(id, start);
    } catch (error) {
      this.logger.error({ event: 'audit.failed', stage: 'begin', ...logged(id, start), detail: messageOf(error) });
      throw auditUnavailable(start.action);
    }
    return new AuditedAction(id, start, this.events, this.logger);
  }

  /** Writes a request refused for want of a role (403). */
  async denied(
    start: AuditEventStart & { action: 'access.denied' },
    end: Omit<AuditEventEnd, 'outcome'>,
  ): Promise<void> {
    const id = randomUUID();
    const denial: AuditEventEnd = { ...end, outcome: 'denied' };
    try {
      await this.events.insert(id, start, denial);
    } catch (error) {
      this.logger.error({
        event: 'audit.failed',
        stage: 'denied',
        ...logged(id, start),
        ...denial,
        failure: messageOf(error),
      });
    }
  }
}

/** One action's entry, open until its end is written. */
export class AuditedAction {
  private ending?: Promise<void>;

  constructor(
    readonly id: string,
    private readonly start: AuditEventStart,
    private readonly events: AuditEventRepository,
    private readonly logger: Logger,
  ) {}

  /** Completes the entry; resolves once stored (or logged, when the store cannot take it). Harmless to call twice. */
  end(end: AuditEventEnd): Promise<void> {
    this.ending ??= this.write(end);
    return this.ending;
  }

  private async write(end: AuditEventEnd): Promise<void> {
    try {
      await this.events.complete(this.id, end);
    } catch (error) {
      this.logger.error({
        event: 'audit.failed',
        stage: 'end',
        ...logged(this.id, this.start),
        ...end,
        failure: messageOf(error),
      });
    }
  }
}

/** The refusal of an action the audit log could not take, which was therefore not taken. */
export function auditUnavailable(action: keyof typeof NOT_DONE): ApiError {
  return new ApiError(503, 'AuditUnavailable', `${NOT_DONE[action]}: it could not be written to the audit log`);
}

function logged(id: string, { action, caller, target, request, requestId, at }: AuditEventStart) {
  return { auditId: id, action, caller, ...target, request, requestId, at: at.toISOString() };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
