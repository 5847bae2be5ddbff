import { ApiError } from '../errors/api-error.js';

// class-transformer drops these keys while copying a plain object into a DTO (its guard against prototype
// pollution), so the validator never sees them and `forbidNonWhitelisted` cannot refuse them as it refuses any other
// unknown field: they are refused here, with the same message.
const RESERVED_KEYS = ['__proto__', 'constructor'];

/** Throws 400 `ValidationFailed` when a plain value (a query, a JSON body or message) carries a reserved key. */
export function assertNoReservedKeys(value: unknown, parent = ''): void {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertNoReservedKeys(item, `${parent}[${index}]`));
    return;
  }
  for (const key of Object.keys(value)) {
    const field = parent ? `${parent}.${key}` : key;
    if (RESERVED_KEYS.includes(key)) {
      throw ApiError.validation([{ field, message: `property ${field} should not exist` }]);
    }
    assertNoReservedKeys((value as Record<string, unknown>)[key], field);
  }
}
