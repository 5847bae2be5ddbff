import { negotiate } from './content-negotiation.js';

const KUBECTL_GET =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

describe(negotiate.name, () => {
  it.each([
    [undefined, { table: true }, { kind: 'json' }],
    ['*/*', { table: true }, { kind: 'json' }],
    [
      KUBECTL_GET,
      { table: true },
      { kind: 'table', apiVersion: 'meta.k8s.io/v1', contentType: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    ],
    [KUBECTL_GET, {}, { kind: 'json' }],
    ['application/vnd.kubernetes.protobuf, application/json', { table: true }, { kind: 'json' }],
    [
      'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
      { metadata: true },
      {
        kind: 'metadata',
        apiVersion: 'meta.k8s.io/v1',
        contentType: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
      },
    ],
    [
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
      { discovery: true },
      {
        kind: 'discovery',
        apiVersion: 'apidiscovery.k8s.io/v2',
        contentType: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
      },
    ],
    [
      'application/json;q=0.5,application/json;as=Table;v=v1;g=meta.k8s.io',
      { table: true },
      { kind: 'table', apiVersion: 'meta.k8s.io/v1', contentType: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    ],
  ])('%s with %j', (accept, acceptable, expected) => {
    expect(negotiate(accept, acceptable)).toEqual(expected);
  });

  it('answers 406 when no acceptable form is asked for', () => {
    expect(() => negotiate('application/vnd.kubernetes.protobuf', { table: true })).toThrow(
      expect.objectContaining({ status: expect.objectContaining({ code: 406, reason: 'NotAcceptable' }) }),
    );
  });
});
