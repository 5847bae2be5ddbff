import { ValidateBy, type ValidationOptions } from 'class-validator';
import { CLUSTER_ID_PATTERN, isDnsLabel, isDnsSubdomain } from '../kube/names.js';

/*
 * The contract's name rules (api.md §1) as class-validator decorators, so a bad name is a 400 before any call to a
 * cluster. The rules themselves live once, in common/kube/names.ts.
 */

/** A cluster id: `^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`. */
export function IsClusterId(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isClusterId',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && CLUSTER_ID_PATTERN.test(value),
        defaultMessage: () =>
          "$property must be a cluster id: lower case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
      },
    },
    options,
  );
}

/** A namespace or container name: RFC 1123 label, at most 63 characters. */
export function IsDnsLabel(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDnsLabel',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isDnsLabel(value),
        defaultMessage: () =>
          "$property must be an RFC 1123 label: lower case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
      },
    },
    options,
  );
}

/** A pod name: RFC 1123 subdomain, at most 253 characters. */
export function IsDnsSubdomain(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDnsSubdomain',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isDnsSubdomain(value),
        defaultMessage: () =>
          "$property must be an RFC 1123 subdomain: lower case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters",
      },
    },
    options,
  );
}
