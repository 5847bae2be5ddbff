import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiEnvelope } from '../common/envelope/api-envelope.decorator.js';
import { Authenticated } from './access.decorators.js';
import { grantsOf } from './access-policy.js';
import { Caller } from './caller.js';
import { CallerInfo } from './dto/caller.dto.js';
import { GrantsSource, type Grant } from './grants.js';
import type { Identity } from './identity.js';

/** What `AUTH_MODE=none` amounts to: every role on every cluster and namespace. */
const EVERYTHING: Grant = { subject: { user: 'anonymous' }, role: 'admin', clusters: ['*'], namespaces: ['*'] };

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly grants: GrantsSource) {}

  /** The caller: who the service takes them for, and the grants that apply to them. */
  @Get('me')
  @Authenticated()
  @ApiEnvelope(CallerInfo, { errors: [401] })
  me(@Caller() identity: Identity): CallerInfo {
    const grants = identity.kind === 'anonymous' ? [EVERYTHING] : grantsOf(identity, this.grants.current());
    return { kind: identity.kind, name: identity.name, groups: [...identity.groups], grants };
  }
}
