import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isRfc3339 } from '../kube/rfc3339.js';

/**
 * An RFC 3339 time as the API server decodes it (`2026-01-01T00:00:00Z`), so a bad one is a 400 ValidationFailed
 * before any call to a cluster. Named as class-validator's own format rule: it is reported alone, as a type rule.
 */
export function IsRfc3339Time(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRfc3339',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isRfc3339(value),
        defaultMessage: () => '$property must be an RFC 3339 time, such as 2026-01-01T00:00:00Z',
      },
    },
    options,
  );
}
