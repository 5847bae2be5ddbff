import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ClustersModule } from './clusters/clusters.module.js';
import { ALL_CONFIGS } from './config/all-configs.js';
import { ExecModule } from './exec/exec.module.js';
import { LogsModule } from './logs/logs.module.js';
import { NamespacesModule } from './namespaces/namespaces.module.js';
import { PodsModule } from './pods/pods.module.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { HealthModule } from './health/health.module.js';
import { StoreModule } from './store/store.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: ALL_CONFIGS }),
    HealthModule,
    AuthModule,
    RateLimitModule,
    StoreModule,
    ClustersModule,
    PodsModule,
    NamespacesModule,
    LogsModule,
    AuditModule,
    ExecModule,
  ],
})
export class AppModule {}
