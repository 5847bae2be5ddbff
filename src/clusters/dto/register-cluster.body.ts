import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsString, IsUrl, MaxLength, MinLength } from 'class-validator';
import { IsNullable, IsOmittable } from '../../common/validation/presence.js';

/** Registers a cluster: either `kubeConfig`, or `apiServer` with `token` (and `caCert` unless the CA is public). */
export class RegisterClusterBody {
  @ApiProperty({
    description: 'Display name, unique among registered clusters; the id is derived from it',
    example: 'Production EU',
    maxLength: 253,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(253)
  name!: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 1024,
    example: 'EKS, eu-west-1',
    description: 'Free text; `null` means none (on update: clears it)',
  })
  @IsNullable()
  @IsString()
  @MaxLength(1024)
  description?: string | null;

  @ApiPropertyOptional({
    description: 'API server URL (https; http only with insecureSkipTlsVerify)',
    example: 'https://10.0.0.1:6443',
  })
  @IsOmittable()
  @IsUrl(
    { protocols: ['https', 'http'], require_protocol: true, require_tld: false, require_valid_protocol: true },
    { message: 'apiServer must be an https:// URL' },
  )
  @MaxLength(2048)
  apiServer?: string;

  @ApiPropertyOptional({
    description: 'A kubeconfig, raw YAML or base64; its current context is used. Write-only.',
    writeOnly: true,
  })
  @IsOmittable()
  @IsString()
  @MaxLength(1_000_000)
  kubeConfig?: string;

  @ApiPropertyOptional({ description: 'Bearer token for apiServer. Write-only.', writeOnly: true })
  @IsOmittable()
  @IsString()
  @MinLength(1)
  @MaxLength(16_384)
  token?: string;

  @ApiPropertyOptional({ description: 'CA certificate(s) of apiServer, PEM or base64. Write-only.', writeOnly: true })
  @IsOmittable()
  @IsString()
  @MaxLength(262_144)
  caCert?: string;

  @ApiPropertyOptional({
    description: 'Do not verify the API server certificate; also the opt-in for a plain-http apiServer',
    default: false,
  })
  @IsOmittable()
  @IsBoolean()
  insecureSkipTlsVerify?: boolean;

  @ApiPropertyOptional({
    description:
      "Requests made for a caller (pod detail, delete, events, logs, log streams, terminals) carry the caller as `Impersonate-User` / `Impersonate-Group`, so the cluster's own RBAC applies to them too; the credentials must then be allowed to impersonate. Shared lists and health probes keep the credentials' own rights",
    default: false,
  })
  @IsOmittable()
  @IsBoolean()
  impersonate?: boolean;
}
