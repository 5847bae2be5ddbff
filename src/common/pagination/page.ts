import { type Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';

/** The pagination payload (api.md §1). */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * One page of an already filtered and ordered sequence. `page` beyond the end gives no items and the real total.
 * Only the items of the page are mapped.
 */
export function paginate<S, T>(
  sorted: readonly S[],
  query: { page: number; pageSize: number },
  toItem: (source: S) => T,
): Page<T> {
  const start = (query.page - 1) * query.pageSize;
  return {
    items: sorted.slice(start, start + query.pageSize).map(toItem),
    total: sorted.length,
    page: query.page,
    pageSize: query.pageSize,
  };
}

/**
 * The OpenAPI class of a page of `item`, named `<name>` (e.g. `PodSummaryPage`), so generated clients get one
 * concrete type per list.
 */
export function PageOf<T>(item: Type<T>, name: string): Type<Page<T>> {
  class PageDto implements Page<T> {
    @ApiProperty({ type: () => [item] })
    items!: T[];

    @ApiProperty({ description: 'Items matching the filters, over all pages', example: 1, type: 'integer' })
    total!: number;

    @ApiProperty({ example: 1, type: 'integer' })
    page!: number;

    @ApiProperty({ example: 20, type: 'integer' })
    pageSize!: number;
  }
  Object.defineProperty(PageDto, 'name', { value: name });
  return PageDto;
}
