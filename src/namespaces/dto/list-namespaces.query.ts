import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination/page-query.js';
import { IsOmittable } from '../../common/validation/presence.js';

export class ListNamespacesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Case-insensitive substring of the namespace name', maxLength: 63 })
  @IsOmittable()
  @IsString()
  @MaxLength(63)
  search?: string;
}
