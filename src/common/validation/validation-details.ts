import type { ValidationError } from 'class-validator';
import type { ErrorDetail } from '../errors/api-error.js';

// When a value has the wrong type, its range and format rules say nothing useful ("abc must not be greater than
// 500"): only the type rule is reported.
const TYPE_RULES = new Set([
  'whitelistValidation',
  'isInt',
  'isNumber',
  'isBoolean',
  'isString',
  'isIn',
  'isEnum',
  'isArray',
  'isObject',
  'isDateString',
  'isRfc3339',
]);

/** class-validator's error tree as the contract's `details: [{field, message}]`, nested fields dotted. */
export function validationDetails(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const constraints = Object.entries(error.constraints ?? {});
    const typeFailures = constraints.filter(([rule]) => TYPE_RULES.has(rule));
    const reported = typeFailures.length > 0 ? typeFailures : constraints;
    const own = reported.map(([, message]) => ({
      field,
      message: parent ? message.replace(error.property, field) : message,
    }));
    return [...own, ...validationDetails(error.children ?? [], field)];
  });
}
