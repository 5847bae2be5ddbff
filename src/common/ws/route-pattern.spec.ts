import { RoutePattern } from './route-pattern.js';

describe(RoutePattern.name, () => {
  const logs = new RoutePattern('/ws/clusters/:clusterId/namespaces/:namespace/pods/:name/logs');

  it.each([
    {
      path: '/ws/clusters/prod/namespaces/shop/pods/web-0/logs',
      expected: { clusterId: 'prod', namespace: 'shop', name: 'web-0' },
    },
    {
      path: '/ws/clusters/prod/namespaces/shop/pods/web-0/logs/',
      expected: { clusterId: 'prod', namespace: 'shop', name: 'web-0' },
    },
    { path: '/ws/clusters/1/namespaces/a/pods/b.c/logs', expected: { clusterId: '1', namespace: 'a', name: 'b.c' } },
    {
      path: '/ws/clusters/prod/namespaces/sh%6Fp/pods/web-0/logs',
      expected: { clusterId: 'prod', namespace: 'shop', name: 'web-0' },
    },
    { path: '/ws/clusters/prod/namespaces/shop/pods/web-0/exec', expected: undefined },
    { path: '/ws/clusters/prod/namespaces/shop/pods/logs', expected: undefined },
    { path: '/ws/clusters/prod/namespaces/shop/pods/web-0/logs/extra', expected: undefined },
    { path: '/ws/clusters/prod/namespaces/..%2Fkube-system/pods/web-0/logs', expected: undefined },
    { path: '/ws/clusters/prod/namespaces/%E0%A4%A/pods/web-0/logs', expected: undefined },
    { path: '/ws/clusters//namespaces/shop/pods/web-0/logs', expected: undefined },
  ])('$path → $expected', ({ path, expected }) => {
    expect(logs.match(path)).toEqual(expected);
  });

  it('matches a pattern without parameters exactly', () => {
    expect(new RoutePattern('/ws/echo').match('/ws/echo')).toEqual({});
    expect(new RoutePattern('/ws/echo').match('/ws/echo2')).toBeUndefined();
  });

  it.each(['/ws/:a/:a', '/ws/:bad-name'])('refuses the malformed pattern %s', (pattern) => {
    expect(() => new RoutePattern(pattern)).toThrow('invalid route pattern');
  });
});
