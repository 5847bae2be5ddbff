import { API_GROUP_VERSIONS, groupVersionString, type ApiResource } from './api-resources.js';

/** The Kubernetes release the simulator answers as (kubectl ≥ 1.30 speaks WebSocket exec to it). */
export const SERVER_VERSION = {
  major: '1',
  minor: '35',
  emulationMajor: '1',
  emulationMinor: '35',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '34',
  gitVersion: 'v1.35.2',
  gitCommit: 'fa9e4c8a21b4b2e9c64fa7b5c2a1e1c5b8a0c9d3',
  gitTreeState: 'clean',
  buildDate: '2026-02-26T20:08:43Z',
  goVersion: 'go1.25.7',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** `GET /api`: the legacy discovery document of the core group. */
export function apiVersions(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** `GET /apis`: the named groups. */
export function apiGroupList(): unknown {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: API_GROUP_VERSIONS.filter((gv) => gv.group !== '').map((gv) => apiGroup(gv.group)),
  };
}

export function apiGroup(group: string): Record<string, unknown> {
  const versions = API_GROUP_VERSIONS.filter((gv) => gv.group === group).map((gv) => ({
    groupVersion: groupVersionString(gv.group, gv.version),
    version: gv.version,
  }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions, preferredVersion: versions[0] };
}

/** `GET /api/v1`, `GET /apis/events.k8s.io/v1`: the APIResourceList of one group/version. */
export function apiResourceList(group: string, version: string): unknown {
  const groupVersion = API_GROUP_VERSIONS.find((gv) => gv.group === group && gv.version === version);
  const resources: unknown[] = [];
  for (const resource of groupVersion?.resources ?? []) {
    resources.push({
      name: resource.plural,
      singularName: resource.singular,
      namespaced: resource.namespaced,
      kind: resource.kind,
      verbs: resource.verbs,
      ...(resource.shortNames.length > 0 ? { shortNames: resource.shortNames } : {}),
      ...(resource.categories.length > 0 ? { categories: resource.categories } : {}),
    });
    for (const subresource of resource.subresources) {
      resources.push({
        name: `${resource.plural}/${subresource.name}`,
        singularName: '',
        namespaced: resource.namespaced,
        kind: subresource.kind,
        verbs: subresource.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersionString(group, version), resources };
}

/**
 * Aggregated discovery (apidiscovery.k8s.io/v2 APIGroupDiscoveryList): `/api` lists the core group, `/apis` the
 * named groups. kubectl 1.35 asks for it first and falls back to the legacy documents when a server does not
 * answer it.
 */
export function aggregatedDiscovery(scope: 'api' | 'apis', apiVersion: string): unknown {
  const items = [];
  const groups = [
    ...new Set(
      API_GROUP_VERSIONS.filter((gv) => (scope === 'api' ? gv.group === '' : gv.group !== '')).map((gv) => gv.group),
    ),
  ];
  for (const group of groups) {
    const versions = API_GROUP_VERSIONS.filter((gv) => gv.group === group).map((gv) => ({
      version: gv.version,
      resources: gv.resources.map((resource) => discoveryResource(resource)),
      freshness: 'Current',
    }));
    items.push({ metadata: { ...(group ? { name: group } : {}), creationTimestamp: null }, versions });
  }
  return { kind: 'APIGroupDiscoveryList', apiVersion, metadata: {}, items };
}

function discoveryResource(resource: ApiResource): unknown {
  const responseKind = { group: resource.group, version: resource.version, kind: resource.kind };
  return {
    resource: resource.plural,
    responseKind,
    scope: resource.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: resource.singular,
    verbs: resource.verbs,
    ...(resource.shortNames.length > 0 ? { shortNames: resource.shortNames } : {}),
    ...(resource.categories.length > 0 ? { categories: resource.categories } : {}),
    ...(resource.subresources.length > 0
      ? {
          subresources: resource.subresources.map((subresource) => ({
            subresource: subresource.name,
            responseKind: { group: resource.group, version: resource.version, kind: subresource.kind },
            verbs: subresource.verbs,
          })),
        }
      : {}),
  };
}
