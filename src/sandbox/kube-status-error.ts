import type { KubeStatus } from '../common/kube/kube-objects.js';

/**
 * An error the simulator answers with a Kubernetes `Status` body, exactly as an API server would.
 * Thrown anywhere inside the simulator; the HTTP layer writes `status` with `status.code`.
 */
export class KubeStatusError extends Error {
  constructor(readonly status: KubeStatus & { code: number }) {
    super(status.message);
    this.name = 'KubeStatusError';
  }

  static of(code: number, reason: string, message: string, details?: KubeStatus['details']): KubeStatusError {
    return new KubeStatusError({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      ...(details ? { details } : {}),
      code,
    });
  }

  static badRequest(message: string): KubeStatusError {
    return KubeStatusError.of(400, 'BadRequest', message);
  }

  /** `pods "web-0" not found`, as the API server words it (resource is the plural, e.g. `pods`). */
  static notFound(resource: string, name: string, group = ''): KubeStatusError {
    const qualified = group ? `${resource}.${group}` : resource;
    return KubeStatusError.of(404, 'NotFound', `${qualified} "${name}" not found`, {
      name,
      kind: resource,
      ...(group ? { group } : {}),
    });
  }

  static alreadyExists(resource: string, name: string): KubeStatusError {
    return KubeStatusError.of(409, 'AlreadyExists', `${resource} "${name}" already exists`, { name, kind: resource });
  }

  static forbidden(
    user: string,
    verb: string,
    resource: string,
    namespace?: string,
    subresource?: string,
  ): KubeStatusError {
    const what = subresource ? `${resource}/${subresource}` : resource;
    const scope = namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope';
    return KubeStatusError.of(
      403,
      'Forbidden',
      `${what} is forbidden: User "${user}" cannot ${verb} resource "${what}" in API group ""${scope}`,
      { kind: resource },
    );
  }

  static gone(message: string): KubeStatusError {
    return KubeStatusError.of(410, 'Expired', message);
  }

  /**
   * A resourceVersion past the server's state (apiserver storage.NewTooLargeResourceVersionError, wrapped by
   * errors.NewTimeoutError): 504 `Timeout` with cause `ResourceVersionTooLarge`, retry after one second.
   */
  static tooLargeResourceVersion(requested: number, current: number): KubeStatusError {
    return KubeStatusError.of(
      504,
      'Timeout',
      `Timeout: Too large resource version: ${requested}, current: ${current}`,
      {
        causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
        retryAfterSeconds: 1,
      },
    );
  }
}
