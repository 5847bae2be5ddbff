import { paginate } from './page.js';

describe(paginate.name, () => {
  const letters = ['a', 'b', 'c', 'd', 'e'];
  it.each([
    { page: 1, pageSize: 2, items: ['A', 'B'] },
    { page: 3, pageSize: 2, items: ['E'] },
    { page: 4, pageSize: 2, items: [] },
    { page: 1, pageSize: 500, items: ['A', 'B', 'C', 'D', 'E'] },
  ])('page $page of size $pageSize → $items with the real total', ({ page, pageSize, items }) => {
    expect(paginate(letters, { page, pageSize }, (letter) => letter.toUpperCase())).toEqual({
      items,
      total: 5,
      page,
      pageSize,
    });
  });

  it('maps only the items of the page', () => {
    const mapped: string[] = [];
    paginate(letters, { page: 2, pageSize: 2 }, (letter) => mapped.push(letter));
    expect(mapped).toEqual(['c', 'd']);
  });
});
