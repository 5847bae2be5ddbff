import { ValidationPipe, type ArgumentMetadata, type Type, type ValidationPipeOptions } from '@nestjs/common';
import { assertNoReservedKeys } from './reserved-keys.js';

/**
 * The global ValidationPipe, remembering its answers for path and query parameters. Portals poll the same URLs,
 * and converting plus validating a query DTO costs more than answering a page from the pod index; the answer for a
 * given set of strings never changes. Bodies are not remembered (large, rarely repeated).
 *
 * Each hit gets its own shallow copy, so a handler that changed its DTO could not change another request's. At most
 * `maxEntries` answers are kept per DTO class, the oldest forgotten first.
 */
export class MemoizedValidationPipe extends ValidationPipe {
  /** Per DTO class, its answers by the JSON of the strings given. */
  private readonly answers = new Map<Type, Map<string, Answer>>();

  constructor(
    options: ValidationPipeOptions,
    private readonly maxEntries = 2000,
  ) {
    super(options);
  }

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const { metatype } = metadata;
    if (metatype && metadata.type !== 'custom') {
      try {
        assertNoReservedKeys(value);
      } catch (error) {
        return Promise.reject(toError(error));
      }
    }
    if ((metadata.type !== 'query' && metadata.type !== 'param') || !metatype || typeof value !== 'object' || !value) {
      return super.transform(value, metadata) as Promise<unknown>;
    }
    let answers = this.answers.get(metatype);
    if (!answers) this.answers.set(metatype, (answers = new Map<string, Answer>()));
    const key = JSON.stringify(value);
    const answer = answers.get(key);
    if (answer) return answer.copy();
    return this.validateAndRemember(value, metadata, answers, key);
  }

  private async validateAndRemember(
    value: object,
    metadata: ArgumentMetadata,
    answers: Map<string, Answer>,
    key: string,
  ): Promise<unknown> {
    let answer: Answer;
    try {
      const valid = (await super.transform(value, metadata)) as object;
      answer = {
        copy: () =>
          Promise.resolve(Object.assign(Object.create(Object.getPrototypeOf(valid) as object) as object, valid)),
      };
    } catch (error) {
      answer = { copy: () => Promise.reject(toError(error)) };
    }
    if (answers.size >= this.maxEntries) answers.delete(answers.keys().next().value as string); // oldest first
    answers.set(key, answer);
    return answer.copy();
  }
}

/** A remembered answer: a fresh copy of the valid DTO, or the same validation error. */
interface Answer {
  copy(): Promise<unknown>;
}

/** The pipe's failures are the ApiErrors of its exception factory; anything else is wrapped, never lost. */
function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
