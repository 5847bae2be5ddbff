import { ValidateBy, type ValidationArguments, type ValidationOptions } from 'class-validator';

/** The field may not be given together with `other` (two ways of saying the same thing, as `sinceTime`/`sinceSeconds`). */
export function IsExclusiveWith(other: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isExclusiveWith',
      constraints: [other],
      validator: {
        validate: (_value: unknown, args?: ValidationArguments) =>
          (args?.object as Record<string, unknown> | undefined)?.[other] === undefined,
        defaultMessage: () => `$property must not be given together with ${other}`,
      },
    },
    options,
  );
}
