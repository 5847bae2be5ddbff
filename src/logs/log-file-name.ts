// Characters a file name keeps as they are: those of Kubernetes names (and upper case letters and '_').
const UNSAFE = /[^A-Za-z0-9._-]/g;

/**
 * The name a downloaded log is saved under, `<pod>-<container>.log`. The names come from the cluster (the default
 * container is read from the pod's spec): any character outside a Kubernetes name's becomes `_`, so that neither a
 * quote, a line break nor a path separator reaches the `Content-Disposition` header.
 */
export function logFileName(pod: string, container: string): string {
  return `${pod}-${container}.log`.replace(UNSAFE, '_');
}
