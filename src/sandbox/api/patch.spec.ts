import { KubeStatusError } from '../kube-status-error.js';
import { applyPatch, patchTypeOf } from './patch.js';

const pod = {
  metadata: { name: 'web', labels: { app: 'web', tier: 'front' }, finalizers: ['a'] },
  spec: {
    containers: [
      { name: 'app', image: 'nginx:1', env: [{ name: 'A', value: '1' }] },
      { name: 'side', image: 'busybox:1' },
    ],
    tolerations: [{ key: 'x', operator: 'Exists' }],
  },
  status: {
    conditions: [
      { type: 'Ready', status: 'False' },
      { type: 'PodScheduled', status: 'True' },
    ],
  },
};

describe('strategic merge patch', () => {
  it.each([
    [
      'merges containers by name',
      { spec: { containers: [{ name: 'side', image: 'busybox:2' }] } },
      (result: typeof pod) => result.spec.containers.map((c) => `${c.name}=${c.image}`),
      ['app=nginx:1', 'side=busybox:2'],
    ],
    [
      'adds a container with a new name',
      { spec: { containers: [{ name: 'extra', image: 'redis' }] } },
      (result: typeof pod) => result.spec.containers.map((c) => c.name),
      ['app', 'side', 'extra'],
    ],
    [
      'deletes a container with $patch: delete',
      { spec: { containers: [{ name: 'app', $patch: 'delete' }] } },
      (result: typeof pod) => result.spec.containers.map((c) => c.name),
      ['side'],
    ],
    [
      'merges env by name inside a merged container',
      { spec: { containers: [{ name: 'app', env: [{ name: 'B', value: '2' }] }] } },
      (result: typeof pod) => result.spec.containers[0].env,
      [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
    ],
    [
      'replaces a list without a merge key',
      { spec: { tolerations: [{ key: 'y', operator: 'Exists' }] } },
      (result: typeof pod) => result.spec.tolerations,
      [{ key: 'y', operator: 'Exists' }],
    ],
    [
      'merges conditions by type',
      { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      (result: typeof pod) => result.status.conditions,
      [
        { type: 'Ready', status: 'True' },
        { type: 'PodScheduled', status: 'True' },
      ],
    ],
    [
      'unions finalizers',
      { metadata: { finalizers: ['b', 'a'] } },
      (result: typeof pod) => result.metadata.finalizers,
      ['a', 'b'],
    ],
    [
      'removes a label set to null',
      { metadata: { labels: { tier: null } } },
      (result: typeof pod) => result.metadata.labels,
      { app: 'web' },
    ],
    [
      'replaces a map with $patch: replace',
      { metadata: { labels: { only: 'this', $patch: 'replace' } } },
      (result: typeof pod) => result.metadata.labels,
      { only: 'this' },
    ],
    [
      'deletes from a primitive list',
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } },
      (result: typeof pod) => result.metadata.finalizers,
      [],
    ],
  ])('%s', (_name, patch, pick, expected) => {
    expect(pick(applyPatch(pod, patch, 'strategic', 'Pod') as typeof pod)).toEqual(expected);
  });

  it('leaves the original untouched', () => {
    const before = JSON.stringify(pod);
    applyPatch(pod, { spec: { containers: [{ name: 'app', image: 'nginx:2' }] } }, 'strategic', 'Pod');
    expect(JSON.stringify(pod)).toBe(before);
  });
});

describe('JSON merge patch (RFC 7386)', () => {
  it('replaces lists and removes null members', () => {
    const result = applyPatch(
      pod,
      { metadata: { labels: { app: null, new: 'x' } }, spec: { containers: [{ name: 'only' }] } },
      'merge',
      'Pod',
    ) as typeof pod;
    expect(result.metadata.labels).toEqual({ tier: 'front', new: 'x' });
    expect(result.spec.containers).toEqual([{ name: 'only' }]);
  });
});

describe('JSON patch (RFC 6902)', () => {
  it.each([
    [
      [{ op: 'add', path: '/metadata/labels/new', value: 'x' }],
      (result: typeof pod) => result.metadata.labels,
      { app: 'web', tier: 'front', new: 'x' },
    ],
    [
      [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:2' }],
      (result: typeof pod) => result.spec.containers[0].image,
      'nginx:2',
    ],
    [[{ op: 'remove', path: '/spec/containers/1' }], (result: typeof pod) => result.spec.containers.length, 1],
    [
      [{ op: 'add', path: '/spec/containers/-', value: { name: 'z' } }],
      (result: typeof pod) => result.spec.containers.map((c) => c.name),
      ['app', 'side', 'z'],
    ],
    [
      [{ op: 'copy', from: '/metadata/labels/app', path: '/metadata/labels/copy' }],
      (result: typeof pod) => result.metadata.labels,
      { app: 'web', tier: 'front', copy: 'web' },
    ],
    [
      [{ op: 'move', from: '/metadata/labels/tier', path: '/metadata/labels/layer' }],
      (result: typeof pod) => result.metadata.labels,
      { app: 'web', layer: 'front' },
    ],
    [[{ op: 'test', path: '/metadata/name', value: 'web' }], (result: typeof pod) => result.metadata.name, 'web'],
  ])('%j', (operations, pick, expected) => {
    expect(pick(applyPatch(pod, operations, 'json', 'Pod') as typeof pod)).toEqual(expected);
  });

  it.each([
    [[{ op: 'test', path: '/metadata/name', value: 'db' }], 'testing value /metadata/name failed'],
    [
      [{ op: 'replace', path: '/spec/missing', value: 1 }],
      'replace operation does not apply: doc is missing key: /spec/missing',
    ],
    [[{ op: 'remove', path: '/metadata/nothing' }], 'remove operation does not apply'],
  ])('refuses %j with 422', (operations, message) => {
    let error: unknown;
    try {
      applyPatch(pod, operations, 'json', 'Pod');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(KubeStatusError);
    expect((error as KubeStatusError).status).toMatchObject({ code: 422, message: expect.stringContaining(message) });
  });
});

describe(patchTypeOf.name, () => {
  it.each([
    ['application/merge-patch+json', 'merge'],
    ['application/strategic-merge-patch+json; charset=utf-8', 'strategic'],
    ['application/json-patch+json', 'json'],
  ])('%s → %s', (contentType, expected) => {
    expect(patchTypeOf(contentType)).toBe(expected);
  });

  it('answers 415 for server-side apply, which the simulator does not support', () => {
    expect(() => patchTypeOf('application/apply-patch+yaml')).toThrow(
      expect.objectContaining({ status: expect.objectContaining({ code: 415, reason: 'UnsupportedMediaType' }) }),
    );
  });
});
