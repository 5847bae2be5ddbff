import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { ToBoolean, ToInt } from '../../common/validation/transforms.js';
import { IsOmittable } from '../../common/validation/presence.js';

export class DeletePodQuery {
  @ApiPropertyOptional({
    description: 'Delete immediately (grace period 0), as `kubectl delete --force --grace-period=0`',
    default: false,
  })
  @IsOmittable()
  @ToBoolean()
  @IsBoolean()
  force?: boolean;

  @ApiPropertyOptional({
    description: 'Seconds the pod gets to stop; `0` without `force=true` is taken as `1`, as kubectl does',
    minimum: 0,
    maximum: 86_400,
    type: 'integer',
  })
  @IsOmittable()
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(86_400)
  gracePeriod?: number;
}
