import { Global, Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module.js';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { AccessDecider } from './access-decider.js';
import { AccessGuard } from './access.guard.js';
import { AuthController } from './auth.controller.js';
import { Authenticator, ModeAuthenticator } from './authenticator.js';
import { openGrantsSource } from './file-grants-source.js';
import { GrantsSource } from './grants.js';
import { WsAccessCheck } from './ws-access.check.js';

/**
 * Identity and access (api.md §6): who is calling (AUTH_MODE), what they may do (AUTH_GRANTS_FILE), decided once
 * for every HTTP route (the global AccessGuard) and every WebSocket upgrade (WsAccessCheck, run by the adapter).
 */
@Global()
@Module({
  imports: [DiscoveryModule, AuditModule],
  controllers: [AuthController],
  providers: [
    {
      provide: GrantsSource,
      inject: [authConfig.KEY],
      useFactory: (config: AuthConfig) => openGrantsSource(config.grantsFile),
    },
    {
      provide: Authenticator,
      inject: [authConfig.KEY, GrantsSource],
      useFactory: (config: AuthConfig, grants: GrantsSource) => new ModeAuthenticator(config, grants),
    },
    AccessDecider,
    WsAccessCheck,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AccessDecider, GrantsSource, WsAccessCheck],
})
export class AuthModule {}
