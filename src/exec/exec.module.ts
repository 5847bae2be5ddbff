import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ClustersModule } from '../clusters/clusters.module.js';
import { execConfig, type ExecConfig } from '../config/exec.config.js';
import { ExecGateway } from './exec.gateway.js';
import { TerminalSessions } from './terminal-sessions.js';

/** Interactive terminals in containers (api.md §5), each audited. */
@Module({
  imports: [ClustersModule, AuditModule],
  providers: [
    ExecGateway,
    {
      provide: TerminalSessions,
      useFactory: (config: ExecConfig) => new TerminalSessions(config.maxSessions),
      inject: [execConfig.KEY],
    },
  ],
})
export class ExecModule {}
