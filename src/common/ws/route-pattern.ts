/**
 * A WebSocket path pattern such as `/ws/clusters/:clusterId/namespaces/:namespace/pods/:name/logs`, matched segment
 * by segment. Parameters take one whole, non-empty segment, percent-decoded; anything that does not decode, or
 * decodes to something holding a `/`, does not match (a request for another resource, never a traversal).
 */
export class RoutePattern {
  private readonly segments: { literal?: string; param?: string }[];

  constructor(readonly pattern: string) {
    this.segments = splitPath(pattern).map((segment) =>
      segment.startsWith(':') ? { param: segment.slice(1) } : { literal: segment },
    );
    const names = this.segments.flatMap((segment) => (segment.param ? [segment.param] : []));
    if (names.some((name) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) || new Set(names).size !== names.length) {
      throw new Error(`invalid route pattern ${pattern}`);
    }
  }

  /** Path parameters by name, or `undefined` when the path is not this route. */
  match(pathname: string): Record<string, string> | undefined {
    const parts = splitPath(pathname);
    if (parts.length !== this.segments.length) return undefined;
    const params: Record<string, string> = {};
    for (let index = 0; index < parts.length; index++) {
      const { literal, param } = this.segments[index];
      if (literal !== undefined) {
        if (parts[index] !== literal) return undefined;
        continue;
      }
      const value = decodeSegment(parts[index]);
      if (value === undefined || value === '' || value.includes('/')) return undefined;
      params[param!] = value;
    }
    return params;
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
