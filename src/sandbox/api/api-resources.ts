/**
 * The resources the simulator serves, described once: discovery (legacy and aggregated), OpenAPI, routing and
 * storage all read this table. Names, verbs and short names are those of a Kubernetes 1.35 API server.
 */

export type StorageName = 'pods' | 'namespaces' | 'nodes' | 'events';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ApiSubresource {
  readonly name: 'status' | 'log' | 'exec' | 'binding';
  readonly kind: string;
  readonly verbs: readonly Verb[];
  /** The group/version of the kind when it is not the parent's (pods/binding answers a core/v1 Binding). */
  readonly responseGroup?: string;
}

export interface ApiResource {
  readonly storage: StorageName;
  readonly group: '' | 'events.k8s.io';
  readonly version: 'v1';
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly verbs: readonly Verb[];
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly subresources: readonly ApiSubresource[];
}

const ALL_VERBS: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const CORE_RESOURCES: readonly ApiResource[] = [
  {
    storage: 'events',
    group: '',
    version: 'v1',
    plural: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    verbs: ALL_VERBS,
    shortNames: ['ev'],
    categories: [],
    subresources: [],
  },
  {
    storage: 'namespaces',
    group: '',
    version: 'v1',
    plural: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['ns'],
    categories: [],
    subresources: [{ name: 'status', kind: 'Namespace', verbs: ['get', 'patch', 'update'] }],
  },
  {
    storage: 'nodes',
    group: '',
    version: 'v1',
    plural: 'nodes',
    singular: 'node',
    kind: 'Node',
    namespaced: false,
    verbs: ALL_VERBS,
    shortNames: ['no'],
    categories: [],
    subresources: [{ name: 'status', kind: 'Node', verbs: ['get', 'patch', 'update'] }],
  },
  {
    storage: 'pods',
    group: '',
    version: 'v1',
    plural: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    verbs: ALL_VERBS,
    shortNames: ['po'],
    categories: ['all'],
    subresources: [
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      { name: 'status', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    ],
  },
];

export const EVENTS_V1_RESOURCES: readonly ApiResource[] = [
  {
    storage: 'events',
    group: 'events.k8s.io',
    version: 'v1',
    plural: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    verbs: ALL_VERBS,
    shortNames: ['ev'],
    categories: [],
    subresources: [],
  },
];

export interface ApiGroupVersion {
  readonly group: '' | 'events.k8s.io';
  readonly version: 'v1';
  readonly resources: readonly ApiResource[];
}

export const API_GROUP_VERSIONS: readonly ApiGroupVersion[] = [
  { group: '', version: 'v1', resources: CORE_RESOURCES },
  { group: 'events.k8s.io', version: 'v1', resources: EVENTS_V1_RESOURCES },
];

export function groupVersionString(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function findResource(group: string, version: string, plural: string): ApiResource | undefined {
  const groupVersion = API_GROUP_VERSIONS.find(
    (candidate) => candidate.group === group && candidate.version === version,
  );
  return groupVersion?.resources.find((resource) => resource.plural === plural);
}
