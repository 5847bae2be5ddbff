import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { baseUrl, createTestApp } from './helpers/create-test-app.js';

interface Operation {
  operationId: string;
  parameters: { name: string; in: string; schema?: { enum?: string[] } }[];
  responses: Record<string, unknown>;
}

/** Every HTTP endpoint of the contract (api.md §2, §3) is in the served OpenAPI document, with its parameters. */
describe('OpenAPI document (e2e)', () => {
  let app: INestApplication;
  let paths: Record<string, Record<string, Operation>>;

  beforeAll(async () => {
    app = await createTestApp();
    paths = (await request(baseUrl(app)).get('/api/openapi.json').expect(200)).body.paths;
  });
  afterAll(async () => {
    await app.close();
  });

  it.each([
    {
      method: 'get',
      path: '/api/clusters',
      operationId: 'listClusters',
      parameters: ['page', 'pageSize', 'search', 'status'],
    },
    { method: 'post', path: '/api/clusters', operationId: 'registerCluster', parameters: [] },
    { method: 'get', path: '/api/clusters/{clusterId}', operationId: 'getCluster', parameters: ['clusterId'] },
    { method: 'put', path: '/api/clusters/{clusterId}', operationId: 'updateCluster', parameters: ['clusterId'] },
    { method: 'delete', path: '/api/clusters/{clusterId}', operationId: 'deleteCluster', parameters: ['clusterId'] },
    { method: 'post', path: '/api/clusters/{clusterId}/test', operationId: 'testCluster', parameters: ['clusterId'] },
    {
      method: 'get',
      path: '/api/clusters/{clusterId}/pods',
      operationId: 'listPods',
      parameters: [
        'clusterId',
        'namespace',
        'status',
        'nodeName',
        'page',
        'pageSize',
        'search',
        'labelSelector',
        'fieldSelector',
        'sortBy',
        'sortOrder',
      ],
    },
    {
      method: 'get',
      path: '/api/clusters/{clusterId}/pods/facets',
      operationId: 'getPodFacets',
      parameters: ['clusterId', 'namespace', 'status', 'nodeName', 'search', 'labelSelector', 'fieldSelector'],
    },
    {
      method: 'get',
      path: '/api/clusters/{clusterId}/namespaces/{namespace}/pods/{name}',
      operationId: 'getPod',
      parameters: ['clusterId', 'namespace', 'name'],
    },
    {
      method: 'delete',
      path: '/api/clusters/{clusterId}/namespaces/{namespace}/pods/{name}',
      operationId: 'deletePod',
      parameters: ['clusterId', 'namespace', 'name', 'force', 'gracePeriod'],
    },
    {
      method: 'get',
      path: '/api/clusters/{clusterId}/namespaces/{namespace}/pods/{name}/events',
      operationId: 'listPodEvents',
      parameters: ['clusterId', 'namespace', 'name'],
    },
    {
      method: 'get',
      path: '/api/clusters/{clusterId}/namespaces',
      operationId: 'listNamespaces',
      parameters: ['clusterId', 'page', 'pageSize', 'search'],
    },
  ])('$method $path is $operationId', ({ method, path, operationId, parameters }) => {
    const operation = paths[path]?.[method];
    expect(operation?.operationId).toBe(operationId);
    expect(operation.parameters.map((parameter) => parameter.name).sort()).toEqual([...parameters].sort());
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['400', '500']));
  });

  it('documents the sort keys and orders as enums', () => {
    const parameters = paths['/api/clusters/{clusterId}/pods'].get.parameters;
    expect(parameters.find((parameter) => parameter.name === 'sortBy')?.schema?.enum).toEqual([
      'createdAt',
      'name',
      'namespace',
      'status',
      'restarts',
      'nodeName',
    ]);
    expect(parameters.find((parameter) => parameter.name === 'sortOrder')?.schema?.enum).toEqual(['asc', 'desc']);
  });
});
