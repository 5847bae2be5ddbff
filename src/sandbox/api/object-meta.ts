import type { KubeObjectMeta } from '../../common/kube/kube-objects.js';
import { labelValueErrors, qualifiedNameErrors } from '../../common/kube/names.js';
import { invalid, required, type FieldError } from './field-errors.js';

/** ValidateObjectMeta (apimachinery/pkg/api/validation/objectmeta.go): name, namespace, label and annotation keys. */
export function validateObjectMeta(
  meta: KubeObjectMeta,
  options: { namespaced: boolean; nameErrors: (name: string) => string[] },
): FieldError[] {
  const errors: FieldError[] = [];
  if (!meta.name) errors.push(required('metadata.name', 'name or generateName is required'));
  else for (const message of options.nameErrors(meta.name)) errors.push(invalid('metadata.name', meta.name, message));
  if (options.namespaced && !meta.namespace) errors.push(required('metadata.namespace'));
  for (const [key, value] of Object.entries(meta.labels ?? {})) {
    for (const message of qualifiedNameErrors(key)) errors.push(invalid('metadata.labels', key, message));
    if (typeof value !== 'string') errors.push(invalid(`metadata.labels`, value, 'must be a string'));
    else for (const message of labelValueErrors(value)) errors.push(invalid('metadata.labels', value, message));
  }
  for (const key of Object.keys(meta.annotations ?? {})) {
    for (const message of qualifiedNameErrors(key.toLowerCase()))
      errors.push(invalid('metadata.annotations', key, message));
  }
  return errors;
}
