import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSeedFile, sortSeedObjects } from './seed-objects.js';

describe(sortSeedObjects.name, () => {
  it('sorts objects by resource and puts namespaced objects without a namespace in default', () => {
    const sorted = sortSeedObjects([
      { kind: 'Namespace', metadata: { name: 'team' } },
      { kind: 'Pod', metadata: { name: 'web' } },
      { kind: 'Node', metadata: { name: 'node-1' } },
      { kind: 'Event', metadata: { name: 'web.1', namespace: 'team' } },
    ]);
    expect(
      Object.fromEntries(
        Object.entries(sorted).map(([resource, objects]) => [
          resource,
          objects.map((object) => `${object.metadata.namespace ?? ''}/${object.metadata.name}`),
        ]),
      ),
    ).toEqual({
      namespaces: ['/team'],
      nodes: ['/node-1'],
      pods: ['default/web'],
      events: ['team/web.1'],
    });
  });

  it('names the first object of a kind it does not serve', () => {
    expect(() =>
      sortSeedObjects([
        { kind: 'Pod', metadata: { name: 'ok' } },
        { kind: 'Deployment', metadata: { name: 'web' } },
      ]),
    ).toThrow('seed object 1: expected a Namespace, Node, Pod or Event with metadata.name, got kind "Deployment"');
  });
});

describe(readSeedFile.name, () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'seed-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it.each([
    ['an array', [{ kind: 'Pod', metadata: { name: 'a' } }]],
    ['a List', { apiVersion: 'v1', kind: 'List', items: [{ kind: 'Pod', metadata: { name: 'a' } }] }],
    ['a single object', { kind: 'Pod', metadata: { name: 'a' } }],
  ])('reads %s', async (_case, content) => {
    const path = join(folder, 'seed.json');
    await writeFile(path, JSON.stringify(content));
    expect(await readSeedFile(path)).toEqual([{ kind: 'Pod', metadata: { name: 'a' } }]);
  });
});
