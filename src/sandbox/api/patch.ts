import { KubeStatusError } from '../kube-status-error.js';

/**
 * The three patch formats an API server accepts for built-in types, as far as clients like `kubectl patch`,
 * `kubectl label`, `kubectl set image` and client-node use them:
 * - JSON merge patch (RFC 7386, `application/merge-patch+json`);
 * - strategic merge patch (`application/strategic-merge-patch+json`): merge patch, plus lists merged by their
 *   patch merge key (containers by name, conditions by type, …) and the `$patch`, `$retainKeys` and
 *   `$deleteFromPrimitiveList` directives of k8s.io/apimachinery `pkg/util/strategicpatch` (v0.35);
 * - JSON patch (RFC 6902, `application/json-patch+json`).
 * Server-side apply (`application/apply-patch+yaml`) is not supported: 415, as from a server without it.
 */
export type PatchType = 'merge' | 'strategic' | 'json';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export function patchTypeOf(contentType: string | undefined): PatchType {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  switch (mediaType) {
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/json-patch+json':
      return 'json';
    default:
      throw KubeStatusError.of(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
      );
  }
}

export function applyPatch(original: unknown, patch: unknown, type: PatchType, kind: string): unknown {
  switch (type) {
    case 'merge':
      return mergePatch(original as Json, patch as Json);
    case 'strategic':
      if (!isObject(patch as Json))
        throw KubeStatusError.badRequest(
          'unable to find api field in struct for the patch: the patch must be a JSON object',
        );
      return strategicMerge(original as Json, patch as Json, '', mergeKeysFor(kind));
    case 'json':
      return jsonPatch(original as Json, patch);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// RFC 7386

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key] ?? null, value);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Strategic merge patch

/** `patchMergeKey` per field path (list indices left out); `''` marks a primitive list merged as a set. */
type MergeKeys = Readonly<Record<string, string>>;

const COMMON_MERGE_KEYS: MergeKeys = {
  'metadata.finalizers': '',
  'metadata.ownerReferences': 'uid',
};

const CONTAINER_MERGE_KEYS = (prefix: string): Record<string, string> => ({
  [prefix]: 'name',
  [`${prefix}.ports`]: 'containerPort',
  [`${prefix}.env`]: 'name',
  [`${prefix}.volumeMounts`]: 'mountPath',
  [`${prefix}.volumeDevices`]: 'devicePath',
});

const POD_MERGE_KEYS: MergeKeys = {
  ...COMMON_MERGE_KEYS,
  ...CONTAINER_MERGE_KEYS('spec.containers'),
  ...CONTAINER_MERGE_KEYS('spec.initContainers'),
  ...CONTAINER_MERGE_KEYS('spec.ephemeralContainers'),
  'spec.volumes': 'name',
  'spec.imagePullSecrets': 'name',
  'spec.hostAliases': 'ip',
  'spec.topologySpreadConstraints': 'topologyKey',
  'spec.schedulingGates': 'name',
  'spec.resourceClaims': 'name',
  'status.conditions': 'type',
  'status.podIPs': 'ip',
  'status.hostIPs': 'ip',
};

const NODE_MERGE_KEYS: MergeKeys = {
  ...COMMON_MERGE_KEYS,
  'status.conditions': 'type',
  'status.addresses': 'type',
  'spec.podCIDRs': '',
};

function mergeKeysFor(kind: string): MergeKeys {
  if (kind === 'Pod') return POD_MERGE_KEYS;
  if (kind === 'Node') return NODE_MERGE_KEYS;
  return COMMON_MERGE_KEYS;
}

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';
const SET_ELEMENT_ORDER = '$setElementOrder/';

function strategicMerge(original: Json, patch: Json, path: string, keys: MergeKeys): Json {
  if (!isObject(patch)) return patch;
  const directive = patch[DIRECTIVE];
  if (directive === 'replace') return withoutDirectives(patch);
  if (directive === 'delete') return null;
  if (directive !== undefined) throw KubeStatusError.badRequest(`Unknown patch type: ${JSON.stringify(directive)}`);
  const result: JsonObject = isObject(original) ? { ...original } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === RETAIN_KEYS || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      const field = key.slice(DELETE_FROM_PRIMITIVE_LIST.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value))
        result[field] = current.filter((item) => !value.some((removed) => removed === item));
      continue;
    }
    const childPath = path ? `${path}.${key}` : key;
    if (value === null) {
      delete result[key];
    } else if (Array.isArray(value)) {
      result[key] = mergeList(result[key], value, childPath, keys);
    } else if (isObject(value)) {
      const merged = strategicMerge(result[key] ?? null, value, childPath, keys);
      if (merged === null) delete result[key];
      else result[key] = merged;
    } else {
      result[key] = value;
    }
  }
  const retain = patch[RETAIN_KEYS];
  if (Array.isArray(retain)) {
    for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  }
  return result;
}

function mergeList(original: Json | undefined, patch: Json[], path: string, keys: MergeKeys): Json[] {
  const mergeKey = keys[path];
  const replaceAll = patch.some(
    (item) => isObject(item) && item[DIRECTIVE] === 'replace' && Object.keys(item).length === 1,
  );
  const items = patch.filter(
    (item) => !(isObject(item) && item[DIRECTIVE] === 'replace' && Object.keys(item).length === 1),
  );
  if (mergeKey === undefined || replaceAll || !Array.isArray(original)) {
    return items
      .filter((item) => !(isObject(item) && item[DIRECTIVE] === 'delete'))
      .map((item) => (isObject(item) ? withoutDirectives(item) : item));
  }
  if (mergeKey === '') {
    const merged = [...original];
    for (const item of items) if (!merged.some((existing) => existing === item)) merged.push(item);
    return merged;
  }
  const merged = [...original];
  for (const item of items) {
    if (!isObject(item)) continue;
    const keyValue = item[mergeKey];
    const index = merged.findIndex((existing) => isObject(existing) && existing[mergeKey] === keyValue);
    if (item[DIRECTIVE] === 'delete') {
      if (index >= 0) merged.splice(index, 1);
    } else if (index >= 0) {
      merged[index] = strategicMerge(merged[index], item, path, keys);
    } else {
      merged.push(withoutDirectives(item));
    }
  }
  return merged;
}

function withoutDirectives(value: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (
      key === DIRECTIVE ||
      key === RETAIN_KEYS ||
      key.startsWith(SET_ELEMENT_ORDER) ||
      key.startsWith(DELETE_FROM_PRIMITIVE_LIST)
    )
      continue;
    result[key] = item;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// RFC 6902

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

export function jsonPatch(document: Json, operations: unknown): Json {
  if (!Array.isArray(operations))
    throw KubeStatusError.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let result = structuredClone(document);
  for (const raw of operations as Operation[]) {
    const operation = raw ?? ({} as Operation);
    switch (operation.op) {
      case 'add':
        result = setAt(result, operation.path, operation.value ?? null, 'add');
        break;
      case 'remove':
        result = removeAt(result, operation.path);
        break;
      case 'replace':
        if (getAt(result, operation.path) === undefined)
          throw patchFailed(`replace operation does not apply: doc is missing key: ${operation.path}`);
        result = setAt(result, operation.path, operation.value ?? null, 'replace');
        break;
      case 'move': {
        const value = getAt(result, operation.from ?? '');
        if (value === undefined)
          throw patchFailed(`move operation does not apply: doc is missing from path: ${operation.from}`);
        result = setAt(removeAt(result, operation.from ?? ''), operation.path, value, 'add');
        break;
      }
      case 'copy': {
        const value = getAt(result, operation.from ?? '');
        if (value === undefined)
          throw patchFailed(`copy operation does not apply: doc is missing from path: ${operation.from}`);
        result = setAt(result, operation.path, structuredClone(value), 'add');
        break;
      }
      case 'test': {
        const value = getAt(result, operation.path);
        if (JSON.stringify(value) !== JSON.stringify(operation.value))
          throw patchFailed(`testing value ${operation.path} failed: test failed`);
        break;
      }
      default:
        throw patchFailed(`Unexpected kind: ${String(operation.op)}`);
    }
  }
  return result;
}

function patchFailed(message: string): KubeStatusError {
  return KubeStatusError.of(422, 'Invalid', message);
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw patchFailed(`JSON pointer must be empty or start with a "/": ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(document: Json, path: string): Json | undefined {
  let current: Json | undefined = document;
  for (const token of pointer(path)) {
    if (Array.isArray(current)) current = current[Number(token)];
    else if (isObject(current ?? null)) current = (current as JsonObject)[token];
    else return undefined;
  }
  return current;
}

function setAt(document: Json, path: string, value: Json, mode: 'add' | 'replace'): Json {
  const tokens = pointer(path);
  if (tokens.length === 0) return value;
  const parent = getAt(document, `/${tokens.slice(0, -1).map(escapeToken).join('/')}`.replace(/^\/$/, ''));
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length)
      throw patchFailed(`add operation does not apply: index out of range: ${path}`);
    if (mode === 'add') parent.splice(index, 0, value);
    else parent[index] = value;
  } else if (isObject(parent ?? null)) {
    (parent as JsonObject)[last] = value;
  } else {
    throw patchFailed(`${mode} operation does not apply: doc is missing path: "${path}": missing value`);
  }
  return document;
}

function removeAt(document: Json, path: string): Json {
  const tokens = pointer(path);
  const parent = getAt(document, `/${tokens.slice(0, -1).map(escapeToken).join('/')}`.replace(/^\/$/, ''));
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent) && Number(last) < parent.length) parent.splice(Number(last), 1);
  else if (isObject(parent ?? null) && Object.prototype.hasOwnProperty.call(parent, last))
    delete (parent as JsonObject)[last];
  else throw patchFailed(`remove operation does not apply: doc is missing path: "${path}": missing value`);
  return document;
}

function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
