import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination/page-query.js';

export class ListNamespacesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Case-insensitive substring of the namespace name', maxLength: 63 })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  search?: string;
}
