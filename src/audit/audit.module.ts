import { Module } from '@nestjs/common';
import { auditConfig, type AuditConfig } from '../config/audit.config.js';
import { ConfigError } from '../config/read-env.js';
import { AuditEventRepository } from './audit-event.repository.js';
import { AuditEventsService } from './audit-events.service.js';
import { AuditTrail } from './audit-trail.js';
import { AuditInterceptor } from './audited.js';
import { AuditController } from './audit.controller.js';
import { ExecAudit } from './exec-audit.js';
import { ExecSessionRepository } from './exec-session.repository.js';
import { ExecSessionsService } from './exec-sessions.service.js';
import { FolderRecordingStore } from './folder-recording-store.js';
import { RecordingStore } from './recording-store.js';
import { StoreExecAudit } from './store-exec-audit.js';

/** The audit log: deletes, cluster registry changes, terminal sessions (and their recordings) and refusals. */
@Module({
  controllers: [AuditController],
  providers: [
    AuditEventRepository,
    AuditEventsService,
    AuditTrail,
    AuditInterceptor,
    ExecSessionRepository,
    ExecSessionsService,
    { provide: RecordingStore, inject: [auditConfig.KEY], useFactory: recordingStore },
    { provide: ExecAudit, useClass: StoreExecAudit },
  ],
  exports: [ExecAudit, AuditTrail, AuditInterceptor],
})
export class AuditModule {}

/** The recordings folder; made at start when recording is on, so that one that cannot be made stops the start. */
function recordingStore(config: AuditConfig): RecordingStore {
  const store = new FolderRecordingStore(config.recordingsDir);
  if (!config.recording) return store; // still serves the recordings made while it was on
  try {
    store.prepare();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ConfigError([`AUDIT_RECORDINGS_DIR: the folder cannot be created (${code})`]);
  }
  return store;
}
