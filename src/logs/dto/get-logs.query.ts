import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { IsExclusiveWith } from '../../common/validation/exclusive.js';
import { IsDnsLabel } from '../../common/validation/kube-names.js';
import { IsRfc3339Time } from '../../common/validation/kube-time.js';
import { IsOmittable } from '../../common/validation/presence.js';
import { ToBoolean, ToInt } from '../../common/validation/transforms.js';

// Bounds past any log a node keeps, low enough that the kubelet's arithmetic on them cannot overflow.
export const MAX_SINCE_SECONDS = 1_000_000_000;
export const MAX_TAIL_LINES = 100_000;
const MAX_LIMIT_BYTES = Number.MAX_SAFE_INTEGER;

/** The options of a log read (api.md §4.1), as `kubectl logs` takes them. */
export class GetLogsQuery {
  @ApiPropertyOptional({
    description:
      'Container name; default: the container the `kubectl.kubernetes.io/default-container` annotation names, else the first container',
    example: 'nginx',
  })
  @IsOmittable()
  @IsDnsLabel()
  container?: string;

  @ApiPropertyOptional({ description: 'The previous (terminated) instance of the container', default: false })
  @IsOmittable()
  @ToBoolean()
  @IsBoolean()
  previous?: boolean;

  @ApiPropertyOptional({
    description: 'Only the lines of the last N seconds (not with `sinceTime`)',
    type: 'integer',
    minimum: 1,
    maximum: MAX_SINCE_SECONDS,
  })
  @IsOmittable()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(MAX_SINCE_SECONDS)
  sinceSeconds?: number;

  @ApiPropertyOptional({
    description:
      'Only the lines written at or after this RFC 3339 time (not with `sinceSeconds`); the cluster counts whole seconds',
    format: 'date-time',
    example: '2026-01-01T00:00:00Z',
  })
  @IsOmittable()
  @IsRfc3339Time()
  @IsExclusiveWith('sinceSeconds')
  sinceTime?: string;

  @ApiPropertyOptional({
    description: 'Only the last N lines',
    type: 'integer',
    minimum: 0,
    maximum: MAX_TAIL_LINES,
  })
  @IsOmittable()
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(MAX_TAIL_LINES)
  tailLines?: number;

  @ApiPropertyOptional({ description: 'Prefix each line with its RFC 3339 timestamp', default: false })
  @IsOmittable()
  @ToBoolean()
  @IsBoolean()
  timestamps?: boolean;

  @ApiPropertyOptional({
    description:
      'At most this many bytes of the log (the cluster cuts there, possibly inside a line); the JSON answer is also capped by the service (LOGS_MAX_BYTES, default 10 MiB), the download is not',
    type: 'integer',
    minimum: 1,
    maximum: MAX_LIMIT_BYTES,
  })
  @IsOmittable()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT_BYTES)
  limitBytes?: number;
}
