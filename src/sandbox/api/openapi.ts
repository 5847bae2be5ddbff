import { createHash } from 'node:crypto';
import { KubeStatusError } from '../kube-status-error.js';
import { API_GROUP_VERSIONS, type ApiGroupVersion } from './api-resources.js';

/**
 * A minimal OpenAPI v3 surface, enough for kubectl 1.35's field validation check: `kubectl create/apply/replace`
 * look up the PATCH operation of the object's kind in `/openapi/v3/<group-version>` and, when it declares the
 * `fieldValidation` parameter, send `?fieldValidation=Strict` and skip client-side schema validation
 * (cli-runtime/pkg/resource/query_param_verifier_v3.go). Without a v3 document kubectl falls back to the v2
 * one and refuses to create anything when that is missing too. The documents carry no schemas, so
 * `kubectl explain` finds nothing; `/openapi/v2` answers 404, as on servers that disable it.
 */
export function openApiDocument(path: string): unknown {
  if (path === '/openapi/v3') {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const groupVersion of API_GROUP_VERSIONS) {
      const key = groupVersionPath(groupVersion);
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${documentHash(groupVersion)}` };
    }
    return { paths };
  }
  const groupVersion = API_GROUP_VERSIONS.find((candidate) => path === `/openapi/v3/${groupVersionPath(candidate)}`);
  if (!groupVersion) throw KubeStatusError.of(404, 'NotFound', 'the server could not find the requested resource', {});
  return groupVersionDocument(groupVersion);
}

function groupVersionPath({ group, version }: ApiGroupVersion): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function documentHash(groupVersion: ApiGroupVersion): string {
  return createHash('sha512')
    .update(JSON.stringify(groupVersionDocument(groupVersion)))
    .digest('hex')
    .slice(0, 128)
    .toUpperCase();
}

function groupVersionDocument(groupVersion: ApiGroupVersion): unknown {
  const prefix = `/${groupVersionPath(groupVersion)}`;
  const paths: Record<string, unknown> = {};
  const queryParameter = (name: string, description: string) => ({
    name,
    in: 'query',
    description,
    schema: { type: 'string', uniqueItems: true },
  });
  const parameters = [
    queryParameter('dryRun', 'When present, indicates that modifications should not be persisted.'),
    queryParameter(
      'fieldManager',
      'fieldManager is a name associated with the actor or entity that is making these changes.',
    ),
    queryParameter(
      'fieldValidation',
      'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict',
    ),
  ];
  for (const resource of groupVersion.resources) {
    const gvk = { group: groupVersion.group, kind: resource.kind, version: groupVersion.version };
    const collection = resource.namespaced
      ? `${prefix}/namespaces/{namespace}/${resource.plural}`
      : `${prefix}/${resource.plural}`;
    const operation = (verb: string) => ({
      tags: [
        groupVersion.group
          ? `${groupVersion.group.split('.')[0]}_${groupVersion.version}`
          : `core_${groupVersion.version}`,
      ],
      operationId: `${verb}${resource.namespaced ? 'Namespaced' : ''}${resource.kind}`,
      parameters,
      responses: { '200': { description: 'OK' } },
      'x-kubernetes-action': verb,
      'x-kubernetes-group-version-kind': gvk,
    });
    paths[collection] = { post: { ...operation('post'), 'x-kubernetes-action': 'post' } };
    paths[`${collection}/{name}`] = {
      put: operation('replace'),
      patch: { ...operation('patch'), 'x-kubernetes-action': 'patch' },
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.35.2' },
    paths,
    components: { schemas: {} },
  };
}
