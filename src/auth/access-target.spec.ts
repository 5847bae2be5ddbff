import { accessTarget } from './access-target.js';

describe('accessTarget', () => {
  it.each([
    { label: 'no cluster', params: {}, query: {}, target: {} },
    { label: 'no cluster, a namespace query ignored', params: {}, query: { namespace: 'a' }, target: {} },
    { label: 'a cluster', params: { clusterId: 'prod' }, query: {}, target: { clusterId: 'prod' } },
    {
      label: 'a namespace in the path',
      params: { clusterId: 'prod', namespace: 'shop', name: 'web' },
      query: {},
      target: { clusterId: 'prod', namespace: 'shop' },
    },
    {
      label: 'a namespace filter in the query',
      params: { clusterId: 'prod' },
      query: { namespace: 'shop' },
      target: { clusterId: 'prod', namespace: 'shop' },
    },
    {
      label: 'the path wins over the query',
      params: { clusterId: 'prod', namespace: 'shop' },
      query: { namespace: 'other' },
      target: { clusterId: 'prod', namespace: 'shop' },
    },
    {
      label: 'a repeated query parameter is no target',
      params: { clusterId: 'prod' },
      query: { namespace: ['a', 'b'] },
      target: { clusterId: 'prod' },
    },
    {
      label: 'an empty namespace is no target',
      params: { clusterId: 'prod' },
      query: { namespace: '' },
      target: { clusterId: 'prod' },
    },
  ])('$label', ({ params, query, target }) => {
    expect(accessTarget(params, query)).toEqual(target);
  });
});
