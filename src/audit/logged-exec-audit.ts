import { Injectable, Logger } from '@nestjs/common';
import { ExecAudit, type ExecSessionAudit, type ExecSessionEnd, type ExecSessionStart } from './exec-audit.js';

/** Terminal sessions audited as log lines: one when a session starts, one when it ends (never its input or output). */
@Injectable()
export class LoggedExecAudit extends ExecAudit {
  private readonly logger = new Logger('ExecAudit');

  start(start: ExecSessionStart): Promise<ExecSessionAudit> {
    const { requestId, caller, clusterId, namespace, pod, container, argv } = start;
    const session = { requestId, caller, clusterId, namespace, pod, container };
    this.logger.log({ event: 'exec.session.started', ...session, argv, startedAt: start.startedAt.toISOString() });
    let ended = false;
    return Promise.resolve({
      resized: () => undefined,
      output: () => undefined,
      input: () => undefined,
      end: (end: ExecSessionEnd) => {
        if (ended) return Promise.resolve();
        ended = true;
        this.logger.log({
          event: 'exec.session.ended',
          ...session,
          outcome: end.outcome,
          exitCode: end.exitCode,
          bytesIn: end.bytesIn,
          bytesOut: end.bytesOut,
          durationMs: end.endedAt.getTime() - start.startedAt.getTime(),
          ...(end.detail ? { detail: end.detail } : {}),
        });
        return Promise.resolve();
      },
    });
  }
}
