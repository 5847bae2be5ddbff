import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '../access.decorators.js';

/** A grant as `GET /api/auth/me` shows it. */
export class CallerGrant {
  @ApiProperty({
    description: 'Whom the grant names: `{"user": sub}`, `{"group": name}` or `{"token": name}`',
    example: { group: 'sre' },
  })
  subject!: { user: string } | { group: string } | { token: string };

  @ApiProperty({ enum: ROLES, example: 'viewer' })
  role!: Role;

  @ApiProperty({ type: [String], description: 'Globs over cluster ids', example: ['*'] })
  clusters!: string[];

  @ApiProperty({ type: [String], description: 'Globs over namespaces', example: ['team-a', 'shop-*'] })
  namespaces!: string[];
}

/** The caller of `GET /api/auth/me`: who the service takes them for, and what they may do. */
export class CallerInfo {
  @ApiProperty({
    enum: ['user', 'token', 'anonymous'],
    description: 'A signed JWT (`user`), a static API token (`token`), or no authentication (`AUTH_MODE=none`)',
  })
  kind!: 'user' | 'token' | 'anonymous';

  @ApiProperty({ description: "The JWT's `sub`, the token's name, or `anonymous`", example: 'alice' })
  name!: string;

  @ApiProperty({ type: [String], description: 'Groups from the JWT (`AUTH_GROUPS_CLAIM`)', example: ['sre'] })
  groups!: string[];

  @ApiProperty({
    type: [CallerGrant],
    description: 'The grants that apply to the caller; without authentication, one admin grant on everything',
  })
  grants!: CallerGrant[];
}
