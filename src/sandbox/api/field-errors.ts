import { KubeStatusError } from '../kube-status-error.js';

/**
 * Validation errors in the shape and words of k8s.io/apimachinery `pkg/util/validation/field/errors.go`
 * (v0.35): `<field>: <type>[: "<value>"][: <detail>]`, collected into a 422 `Invalid` Status with one cause each.
 */
export interface FieldError {
  readonly field: string;
  readonly reason:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueDuplicate'
    | 'FieldValueForbidden'
    | 'FieldValueNotSupported';
  /** The error without the field path, e.g. `Invalid value: "x": must be ...`. */
  readonly message: string;
}

export function required(field: string, detail = ''): FieldError {
  return { field, reason: 'FieldValueRequired', message: detail ? `Required value: ${detail}` : 'Required value' };
}

export function invalid(field: string, value: unknown, detail: string): FieldError {
  return { field, reason: 'FieldValueInvalid', message: `Invalid value: ${quote(value)}: ${detail}` };
}

export function duplicate(field: string, value: unknown): FieldError {
  return { field, reason: 'FieldValueDuplicate', message: `Duplicate value: ${quote(value)}` };
}

export function forbidden(field: string, detail: string): FieldError {
  return { field, reason: 'FieldValueForbidden', message: `Forbidden: ${detail}` };
}

export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldError {
  const values = supported.map((candidate) => JSON.stringify(candidate)).join(', ');
  return {
    field,
    reason: 'FieldValueNotSupported',
    message: `Unsupported value: ${quote(value)}: supported values: ${values}`,
  };
}

/** `Pod "x" is invalid: <error>` or `... is invalid: [<error>, <error>]`, as errors.NewInvalid words it. */
export function invalidObject(kind: string, name: string, errors: readonly FieldError[], group = ''): KubeStatusError {
  const texts = errors.map((error) => `${error.field}: ${error.message}`);
  const joined = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  const qualified = group ? `${kind}.${group}` : kind;
  return KubeStatusError.of(422, 'Invalid', `${qualified} "${name}" is invalid: ${joined}`, {
    name,
    ...(group ? { group } : {}),
    kind,
    causes: errors.map((error) => ({ reason: error.reason, message: error.message, field: error.field })),
  });
}

function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  return JSON.stringify(value);
}
