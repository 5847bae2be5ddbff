import { readFile } from 'node:fs/promises';
import type { StorageName } from '../api/api-resources.js';
import type { KubeObject } from '../store/object-store.js';

const STORAGE_BY_KIND: Record<string, StorageName> = {
  Namespace: 'namespaces',
  Node: 'nodes',
  Pod: 'pods',
  Event: 'events',
};

/** Seed objects sorted by resource; throws naming the first object of a kind the simulator does not serve. */
export function sortSeedObjects(objects: readonly KubeObject[]): Record<StorageName, KubeObject[]> {
  const sorted: Record<StorageName, KubeObject[]> = { namespaces: [], nodes: [], pods: [], events: [] };
  objects.forEach((object, index) => {
    const storage = STORAGE_BY_KIND[object?.kind ?? ''];
    if (!storage || !object.metadata?.name) {
      throw new Error(
        `seed object ${index}: expected a Namespace, Node, Pod or Event with metadata.name, got kind ${JSON.stringify(object?.kind)}`,
      );
    }
    if (storage === 'pods' || storage === 'events') object.metadata.namespace ??= 'default';
    sorted[storage].push(structuredClone(object));
  });
  return sorted;
}

/** A seed file: a JSON array of objects, or a List (`{"kind": "List", "items": [...]}`) as `kubectl get -o json` writes. */
export async function readSeedFile(path: string): Promise<KubeObject[]> {
  const parsed = JSON.parse(await readFile(path, 'utf8')) as unknown;
  if (Array.isArray(parsed)) return parsed as KubeObject[];
  const items = (parsed as { items?: unknown })?.items;
  if (Array.isArray(items)) return items as KubeObject[];
  if (parsed && typeof parsed === 'object' && 'kind' in parsed) return [parsed as KubeObject];
  throw new Error(`${path}: expected a JSON array of Kubernetes objects or a List with items`);
}
