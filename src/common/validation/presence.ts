import { ValidateIf } from 'class-validator';

/*
 * Whether a field may be left out. class-validator's `@IsOptional()` skips `null` as well as `undefined`, so
 * `{"name": null}` passed every rule and reached the store (a NOT NULL failure, a 500) or silently wiped a stored
 * token. Here leaving a field out and sending `null` are different things: `null` is a value like any other, refused
 * by the field's type rule, unless the contract gives it a meaning (`@IsNullable()`). The ESLint config forbids
 * importing `IsOptional` from class-validator so that no DTO falls back to it.
 */

/** The field may be left out; `null` is validated, and so refused by its type rule ("name must be a string"). */
export function IsOmittable(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

/** The field may be left out, and `null` means "none" (clears it): neither is validated. */
export function IsNullable(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined && value !== null);
}
