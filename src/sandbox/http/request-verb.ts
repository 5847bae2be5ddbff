import type { Verb } from '../api/api-resources.js';
import type { ResourceTarget } from './request-target.js';

/** The Kubernetes verb of a request, as the request-info resolver derives it (apiserver/pkg/endpoints/request). */
export function requestVerb(method: string, target: ResourceTarget, params: URLSearchParams): Verb | undefined {
  const watch = target.watchPath || params.get('watch') === 'true' || params.get('watch') === '1';
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (!target.name) return watch ? 'watch' : 'list';
      return watch ? 'watch' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return target.name ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}
