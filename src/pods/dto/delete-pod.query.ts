import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ToBoolean, ToInt } from '../../common/validation/transforms.js';

export class DeletePodQuery {
  @ApiPropertyOptional({
    description: 'Delete immediately (grace period 0), as `kubectl delete --force --grace-period=0`',
    default: false,
  })
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  force?: boolean;

  @ApiPropertyOptional({
    description: 'Seconds the pod gets to stop; `0` without `force=true` is taken as `1`, as kubectl does',
    minimum: 0,
    maximum: 86_400,
    type: 'integer',
  })
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(86_400)
  gracePeriod?: number;
}
