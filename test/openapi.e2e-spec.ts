import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { baseUrl, createTestApp } from './helpers/create-test-app.js';

interface Operation {
  operationId: string;
  parameters: { name: string; in: string; schema?: { enum?: string[]; [key: string]: unknown } }[];
  responses: Record<string, unknown>;
  security?: Record<string, string[]>[];
}

const POD_PATH = ['clusterId', 'namespace', 'name'];
const LOG_QUERY = ['container', 'previous', 'sinceSeconds', 'sinceTime', 'tailLines', 'timestamps', 'limitBytes'];

const contentTypes = (response: unknown) => Object.keys((response as { content?: object }).content ?? {});
const contentOf = (response: unknown, type: string) => (response as { content: Record<string, unknown> }).content[type];

/** Every HTTP endpoint of the contract (api.md §2, §3, §4.1, §5's audit) is in the served OpenAPI document, with its parameters. */
describe('OpenAPI document (e2e)', () => {
  let app: INestApplication;
  let paths: Record<string, Record<string, Operation>>;
  let document: { components: { schemas: Record<string, unknown> } };

  beforeAll(async () => {
    app = await createTestApp();
    document = (await request(baseUrl(app)).get('/api/openapi.json').expect(200)).body;
    paths = (document as unknown as { paths: typeof paths }).paths;
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
      path: '/api/clusters/{clusterId}/namespaces/{namespace}/pods/{name}/logs',
      operationId: 'getPodLogs',
      parameters: [...POD_PATH, ...LOG_QUERY],
    },
    {
      method: 'get',
      path: '/api/clusters/{clusterId}/namespaces/{namespace}/pods/{name}/logs/download',
      operationId: 'downloadPodLogs',
      parameters: [...POD_PATH, ...LOG_QUERY],
    },
    {
      method: 'get',
      path: '/api/clusters/{clusterId}/namespaces',
      operationId: 'listNamespaces',
      parameters: ['clusterId', 'page', 'pageSize', 'search'],
    },
    {
      method: 'get',
      path: '/api/audit/sessions',
      operationId: 'listExecSessions',
      parameters: ['page', 'pageSize', 'clusterId', 'namespace', 'pod', 'since', 'until'],
    },
    {
      method: 'get',
      path: '/api/audit/sessions/{id}/recording',
      operationId: 'getExecSessionRecording',
      parameters: ['id'],
    },
  ])('$method $path is $operationId', ({ method, path, operationId, parameters }) => {
    const operation = paths[path]?.[method];
    expect(operation?.operationId).toBe(operationId);
    expect(operation.parameters.map((parameter) => parameter.name).sort()).toEqual([...parameters].sort());
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['400', '500']));
  });

  it('documents the log text as JSON in the envelope, the download as text/plain, and errors as JSON', () => {
    const logs = paths['/api/clusters/{clusterId}/namespaces/{namespace}/pods/{name}/logs'].get.responses;
    const download = paths['/api/clusters/{clusterId}/namespaces/{namespace}/pods/{name}/logs/download'].get.responses;
    expect(contentTypes(logs['200'])).toEqual(['application/json']);
    expect(JSON.stringify(logs['200'])).toContain('#/components/schemas/LogsResult');
    expect(contentTypes(download['200'])).toEqual(['text/plain']);
    expect(contentOf(download['200'], 'text/plain')).toEqual({ schema: { type: 'string' } });
    for (const status of ['400', '404', '502']) {
      expect(contentTypes(download[status])).toEqual(['application/json']);
      expect(contentOf(download[status], 'application/json')).toEqual({
        schema: { $ref: '#/components/schemas/ErrorEnvelope' },
      });
    }
  });

  it('documents the audit list as a page of sessions, and a recording as application/x-asciicast', () => {
    const list = paths['/api/audit/sessions'].get;
    expect(JSON.stringify(list.responses['200'])).toContain('#/components/schemas/ExecSessionPage');
    const schemaOf = (name: string) => list.parameters.find((parameter) => parameter.name === name)?.schema;
    expect(schemaOf('since')).toMatchObject({ type: 'string', format: 'date-time' });
    expect(schemaOf('until')).toMatchObject({ type: 'string', format: 'date-time' });
    expect(schemaOf('pageSize')).toMatchObject({ type: 'integer', minimum: 1, maximum: 500 });
    const recording = paths['/api/audit/sessions/{id}/recording'].get.responses;
    expect(contentTypes(recording['200'])).toEqual(['application/x-asciicast']);
    expect(contentOf(recording['200'], 'application/x-asciicast')).toEqual({ schema: { type: 'string' } });
    for (const status of ['400', '403', '404']) {
      expect(contentOf(recording[status], 'application/json')).toEqual({
        schema: { $ref: '#/components/schemas/ErrorEnvelope' },
      });
    }
  });

  it('documents a session’s fields, the end fields nullable and the outcomes as an enum', () => {
    const schema = document.components.schemas.ExecSession as {
      properties: Record<string, { nullable?: boolean; enum?: string[]; type?: string; items?: object }>;
      required: string[];
    };
    expect(Object.keys(schema.properties).sort()).toEqual(
      [
        'id',
        'requestId',
        'caller',
        'clusterId',
        'namespace',
        'pod',
        'container',
        'argv',
        'startedAt',
        'endedAt',
        'durationMs',
        'outcome',
        'exitCode',
        'bytesIn',
        'bytesOut',
        'detail',
        'recording',
        'recordingError',
      ].sort(),
    );
    expect(schema.required.sort()).toEqual(Object.keys(schema.properties).sort());
    for (const field of ['endedAt', 'durationMs', 'outcome', 'exitCode', 'bytesIn', 'bytesOut', 'detail']) {
      expect({ field, nullable: schema.properties[field].nullable }).toEqual({ field, nullable: true });
    }
    expect(schema.properties.outcome.enum).toEqual([
      'exited',
      'client-closed',
      'idle-timeout',
      'max-duration',
      'upstream-failed',
      'cluster-removed',
      'service-stopping',
    ]);
    expect(schema.properties.argv).toMatchObject({ type: 'array', items: { type: 'string' } });
    expect(schema.properties.recording).toMatchObject({ type: 'boolean' });
  });

  it('declares the bearer scheme and requires it, with 401 and 403 answers, on every operation but the public ones', () => {
    expect((document as unknown as { components: { securitySchemes: unknown } }).components.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    const operations = Object.entries(paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        route: `${method.toUpperCase()} ${path}`,
        operation,
      })),
    );
    const open = operations.filter(({ operation }) => !operation.security?.length).map(({ route }) => route);
    expect(open.sort()).toEqual(['GET /healthz', 'GET /metrics', 'GET /readyz']);
    for (const { route, operation } of operations.filter(({ operation }) => operation.security?.length)) {
      expect({ route, security: operation.security }).toEqual({ route, security: [{ bearer: [] }] });
      expect({ route, has401: '401' in operation.responses }).toEqual({ route, has401: true });
    }
    expect(paths['/api/clusters/{clusterId}/namespaces/{namespace}/pods/{name}'].delete).toMatchObject({
      responses: { '403': expect.anything() },
    });
  });

  it('documents the log query’s bounds', () => {
    const parameters = paths['/api/clusters/{clusterId}/namespaces/{namespace}/pods/{name}/logs'].get.parameters;
    const schemaOf = (name: string) => parameters.find((parameter) => parameter.name === name)?.schema;
    expect(schemaOf('tailLines')).toMatchObject({ type: 'integer', minimum: 0, maximum: 100000 });
    expect(schemaOf('sinceSeconds')).toMatchObject({ type: 'integer', minimum: 1 });
    expect(schemaOf('limitBytes')).toMatchObject({ type: 'integer', minimum: 1 });
    expect(schemaOf('sinceTime')).toMatchObject({ type: 'string', format: 'date-time' });
    expect(schemaOf('previous')).toMatchObject({ type: 'boolean' });
    expect(schemaOf('timestamps')).toMatchObject({ type: 'boolean' });
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
