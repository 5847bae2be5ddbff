import { createHash } from 'node:crypto';
import { CLUSTER_ID_PATTERN } from '../common/kube/names.js';

const MAX_ID_LENGTH = 63;

/**
 * A valid, stable, unique cluster id for a name such as a kubeconfig context (`arn:aws:eks:…:cluster/prod`,
 * `Prod`, `kind-kind`). A name that already is a valid id and free is kept as it is; any other gets a readable
 * prefix plus six hex digits of its SHA-256, so the same name always gives the same id and two names that clean
 * up alike (`Prod`, `prod!`) still differ.
 */
export function clusterIdFor(name: string, taken: ReadonlySet<string>): string {
  if (CLUSTER_ID_PATTERN.test(name) && !taken.has(name)) return name;
  const slug = slugify(name);
  const hash = createHash('sha256').update(name).digest('hex');
  for (let length = 6; length <= hash.length; length += 2) {
    const suffix = hash.slice(0, length);
    const prefix = slug.slice(0, MAX_ID_LENGTH - suffix.length - 1).replace(/-+$/, '');
    const id = prefix ? `${prefix}-${suffix}` : suffix;
    if (!taken.has(id)) return id;
  }
  throw new Error(`no free cluster id for ${JSON.stringify(name)}`);
}

/** Lower-case letters, digits and single dashes, no dash at either end; empty when nothing usable is left. */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The id of a cluster registered under `name`: its slug when valid and free, else as `clusterIdFor`. */
export function registeredClusterId(name: string, taken: ReadonlySet<string>): string {
  const slug = slugify(name).slice(0, MAX_ID_LENGTH).replace(/-+$/, '');
  if (slug && CLUSTER_ID_PATTERN.test(slug) && !taken.has(slug)) return slug;
  return clusterIdFor(slug || name, taken);
}
