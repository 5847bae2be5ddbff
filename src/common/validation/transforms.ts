import { Transform } from 'class-transformer';

/*
 * Explicit conversions for query strings and settings. Implicit conversion would read the string 'false' as `true`
 * and 'abc' as NaN; here a value that is not one of the accepted spellings stays a string, so the validator rejects
 * it by name ("force must be a boolean value").
 */

/**
 * A decimal integer string as a number. One beyond JavaScript's safe integers stays a string (so it is refused as not
 * an integer): `Number('99999999999999999999')` would be a rounded float that passes `@IsInt()`.
 */
export function ToInt(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string' || !/^[-+]?\d+$/.test(value.trim())) return value;
    const number = Number(value);
    return Number.isSafeInteger(number) ? number : value;
  });
}

export function ToBoolean(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    const lowered = value.trim().toLowerCase();
    if (lowered === 'true' || lowered === '1') return true;
    if (lowered === 'false' || lowered === '0') return false;
    return value;
  });
}

/** `a, b,c` → `['a', 'b', 'c']`. */
export function ToList(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item.length > 0)
      : value,
  );
}
