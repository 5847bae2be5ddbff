import { KubeStatusError } from '../kube-status-error.js';

/** The response form a request asked for through its Accept header. */
export type OutputFormat =
  | { kind: 'json' }
  | { kind: 'table'; apiVersion: string; contentType: string }
  | { kind: 'metadata'; apiVersion: string; contentType: string }
  | { kind: 'discovery'; apiVersion: string; contentType: string };

export interface Acceptable {
  table?: boolean;
  metadata?: boolean;
  discovery?: boolean;
}

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
  raw: string;
}

/**
 * Picks the first media range of the Accept header this request can be answered in, in the client's order of
 * preference (apiserver/pkg/endpoints/handlers/negotiation). Protobuf and CBOR are never chosen: clients that ask
 * for them list JSON as well.
 */
export function negotiate(accept: string | undefined, acceptable: Acceptable): OutputFormat {
  const ranges = parseAccept(accept ?? '');
  if (ranges.length === 0) return { kind: 'json' };
  for (const range of ranges) {
    const format = formatFor(range, acceptable);
    if (format) return format;
  }
  throw KubeStatusError.of(
    406,
    'NotAcceptable',
    'only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  );
}

function formatFor(range: MediaRange, acceptable: Acceptable): OutputFormat | undefined {
  const { type, params } = range;
  const jsonLike = type === 'application/json' || type === '*/*' || type === 'application/*';
  if (!jsonLike) return undefined;
  const as = params.as;
  if (!as) return type === 'application/json' || Object.keys(params).length === 0 ? { kind: 'json' } : undefined;
  const contentType = `application/json;${Object.entries(params)
    .map(([key, value]) => `${key}=${value}`)
    .join(';')}`;
  if (
    as === 'Table' &&
    params.g === 'meta.k8s.io' &&
    (params.v === 'v1' || params.v === 'v1beta1') &&
    acceptable.table
  ) {
    return { kind: 'table', apiVersion: `meta.k8s.io/${params.v}`, contentType };
  }
  if (
    (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') &&
    params.g === 'meta.k8s.io' &&
    (params.v === 'v1' || params.v === 'v1beta1') &&
    acceptable.metadata
  ) {
    return { kind: 'metadata', apiVersion: `meta.k8s.io/${params.v}`, contentType };
  }
  if (
    as === 'APIGroupDiscoveryList' &&
    params.g === 'apidiscovery.k8s.io' &&
    (params.v === 'v2' || params.v === 'v2beta1') &&
    acceptable.discovery
  ) {
    return { kind: 'discovery', apiVersion: `apidiscovery.k8s.io/${params.v}`, contentType };
  }
  return undefined;
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [typePart, ...paramParts] = part.split(';');
    const type = typePart.trim().toLowerCase();
    if (!type) continue;
    const params: Record<string, string> = {};
    let q = 1;
    for (const param of paramParts) {
      const index = param.indexOf('=');
      if (index < 0) continue;
      const key = param.slice(0, index).trim();
      const value = param.slice(index + 1).trim();
      if (key === 'q') q = Number(value);
      else params[key] = value;
    }
    ranges.push({ type, params, q: Number.isFinite(q) ? q : 0, raw: part });
  }
  // A stable sort keeps the client's order among equal qualities.
  return ranges.filter((range) => range.q > 0).sort((a, b) => b.q - a.q);
}
