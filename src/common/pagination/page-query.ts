import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { IsOmittable } from '../validation/presence.js';
import { ToInt } from '../validation/transforms.js';

export const MAX_PAGE_SIZE = 500;
// Far beyond any real list (a cluster holds at most some 150 000 pods), and small enough that the offset of a page
// stays an exact integer.
export const MAX_PAGE = 1_000_000;

/** `page` and `pageSize` of every paginated list (api.md §1). */
export class PageQuery {
  @ApiPropertyOptional({
    description: 'Page number, from 1',
    minimum: 1,
    maximum: MAX_PAGE,
    default: 1,
    type: 'integer',
  })
  @IsOmittable()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page: number = 1;

  @ApiPropertyOptional({
    description: 'Items per page',
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    default: 20,
    type: 'integer',
  })
  @IsOmittable()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  pageSize: number = 20;
}
