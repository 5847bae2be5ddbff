import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ToInt } from '../validation/transforms.js';

export const MAX_PAGE_SIZE = 500;

/** `page` and `pageSize` of every paginated list (api.md §1). */
export class PageQuery {
  @ApiPropertyOptional({ description: 'Page number, from 1', minimum: 1, default: 1, type: 'integer' })
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(1)
  page: number = 1;

  @ApiPropertyOptional({
    description: 'Items per page',
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    default: 20,
    type: 'integer',
  })
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  pageSize: number = 20;
}
