import { IsInt, Max, ValidateBy, type ValidationError } from 'class-validator';
import { ApiError } from '../errors/api-error.js';
import { MemoizedValidationPipe } from './memoized-validation.pipe.js';
import { IsOmittable } from './presence.js';
import { ToInt } from './transforms.js';
import { validationDetails } from './validation-details.js';

let validations = 0;
const Counted = () => ValidateBy({ name: 'counted', validator: { validate: () => (validations++, true) } });

class SampleQuery {
  @IsOmittable()
  @ToInt()
  @IsInt()
  @Max(10)
  @Counted()
  size?: number;
}

describe(MemoizedValidationPipe.name, () => {
  const options = {
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors: ValidationError[]) => ApiError.validation(validationDetails(errors)),
  };
  const query = { type: 'query' as const, metatype: SampleQuery, data: undefined };
  beforeEach(() => (validations = 0));

  it('validates a query once and answers repeats from memory, each with its own copy', async () => {
    const pipe = new MemoizedValidationPipe(options);
    const first = (await pipe.transform({ size: '5' }, query)) as SampleQuery;
    const second = (await pipe.transform({ size: '5' }, query)) as SampleQuery;
    expect(validations).toBe(1);
    expect(first).toBeInstanceOf(SampleQuery);
    expect(second).toEqual({ size: 5 });
    expect(second).not.toBe(first);
    first.size = 99;
    expect(((await pipe.transform({ size: '5' }, query)) as SampleQuery).size).toBe(5);
  });

  it('remembers a refusal too', async () => {
    const pipe = new MemoizedValidationPipe(options);
    await expect(pipe.transform({ size: '50' }, query)).rejects.toMatchObject({ reason: 'ValidationFailed' });
    await expect(pipe.transform({ size: '50' }, query)).rejects.toMatchObject({
      reason: 'ValidationFailed',
      details: [{ field: 'size', message: 'size must not be greater than 10' }],
    });
    expect(validations).toBeLessThanOrEqual(1);
  });

  it('forgets the oldest answers beyond its size', async () => {
    const pipe = new MemoizedValidationPipe(options, 2);
    for (const size of ['1', '2', '3']) await pipe.transform({ size }, query);
    await pipe.transform({ size: '1' }, query);
    expect(validations).toBe(4);
    await pipe.transform({ size: '3' }, query);
    expect(validations).toBe(4);
  });

  it('does not remember bodies', async () => {
    const pipe = new MemoizedValidationPipe(options);
    const body = { type: 'body' as const, metatype: SampleQuery, data: undefined };
    await pipe.transform({ size: 5 }, body);
    await pipe.transform({ size: 5 }, body);
    expect(validations).toBe(2);
  });
});
