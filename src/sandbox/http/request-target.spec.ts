import { resolveTarget } from './request-target.js';

describe(resolveTarget.name, () => {
  it.each([
    ['/version', { type: 'version' }],
    ['/api', { type: 'apiVersions' }],
    ['/apis/', { type: 'apiGroups' }],
    ['/apis/events.k8s.io', { type: 'apiGroup', group: 'events.k8s.io' }],
    ['/api/v1', { type: 'groupVersion', group: '', version: 'v1' }],
    ['/openapi/v3/api/v1', { type: 'openapi', path: '/openapi/v3/api/v1' }],
    ['/sandbox/stats', { type: 'sandbox', path: '/sandbox/stats' }],
    ['/api/v1/pods', { type: 'resource', resource: expect.objectContaining({ plural: 'pods' }), watchPath: false }],
    [
      '/api/v1/namespaces',
      { type: 'resource', resource: expect.objectContaining({ plural: 'namespaces' }), watchPath: false },
    ],
    [
      '/api/v1/namespaces/shop',
      { type: 'resource', resource: expect.objectContaining({ plural: 'namespaces' }), name: 'shop', watchPath: false },
    ],
    [
      '/api/v1/namespaces/shop/status',
      {
        type: 'resource',
        resource: expect.objectContaining({ plural: 'namespaces' }),
        name: 'shop',
        subresource: 'status',
        watchPath: false,
      },
    ],
    [
      '/api/v1/namespaces/shop/pods',
      { type: 'resource', resource: expect.objectContaining({ plural: 'pods' }), namespace: 'shop', watchPath: false },
    ],
    [
      '/api/v1/namespaces/shop/pods/web-0/log',
      {
        type: 'resource',
        resource: expect.objectContaining({ plural: 'pods' }),
        namespace: 'shop',
        name: 'web-0',
        subresource: 'log',
        watchPath: false,
      },
    ],
    [
      '/api/v1/watch/namespaces/shop/pods/web-0',
      {
        type: 'resource',
        resource: expect.objectContaining({ plural: 'pods' }),
        namespace: 'shop',
        name: 'web-0',
        watchPath: true,
      },
    ],
    [
      '/api/v1/nodes/node-1',
      { type: 'resource', resource: expect.objectContaining({ plural: 'nodes' }), name: 'node-1', watchPath: false },
    ],
    [
      '/apis/events.k8s.io/v1/namespaces/shop/events',
      {
        type: 'resource',
        resource: expect.objectContaining({ plural: 'events', group: 'events.k8s.io' }),
        namespace: 'shop',
        watchPath: false,
      },
    ],
  ])('%s', (path, expected) => {
    expect(resolveTarget(path)).toEqual(expected);
  });

  it.each([
    '/api/v2',
    '/apis/apps/v1/deployments',
    '/api/v1/widgets',
    '/api/v1/pods/web-0',
    '/api/v1/namespaces/shop/nodes',
    '/metrics',
    '/api/v1/namespaces/%E0%A4%A/pods',
  ])('%s is not found', (path) => {
    expect(resolveTarget(path)).toEqual({ type: 'notFound' });
  });
});
