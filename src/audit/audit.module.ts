import { Module } from '@nestjs/common';
import { ExecAudit } from './exec-audit.js';
import { LoggedExecAudit } from './logged-exec-audit.js';

/** The audit log: terminal sessions (and later deletes, cluster changes and refusals). */
@Module({
  providers: [{ provide: ExecAudit, useClass: LoggedExecAudit }],
  exports: [ExecAudit],
})
export class AuditModule {}
