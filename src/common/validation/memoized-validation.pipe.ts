import { ValidationPipe, type ArgumentMetadata, type ValidationPipeOptions } from '@nestjs/common';

/**
 * The global ValidationPipe, remembering its answers for path and query parameters. Portals poll the same URLs,
 * and converting plus validating a query DTO costs more than answering a page from the pod index; the answer for a
 * given set of strings never changes. Bodies are not remembered (large, rarely repeated).
 *
 * Each hit gets its own shallow copy, so a handler that changed its DTO could not change another request's.
 */
export class MemoizedValidationPipe extends ValidationPipe {
  private readonly answers = new Map<string, { value: object } | { error: unknown }>();

  constructor(
    options: ValidationPipeOptions,
    private readonly maxEntries = 2000,
  ) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (
      (metadata.type !== 'query' && metadata.type !== 'param') ||
      !metadata.metatype ||
      typeof value !== 'object' ||
      value === null
    ) {
      return super.transform(value, metadata);
    }
    const key = `${metadata.type}:${metadata.metatype.name}:${JSON.stringify(value)}`;
    let answer = this.answers.get(key);
    if (!answer) {
      try {
        answer = { value: (await super.transform(value, metadata)) as object };
      } catch (error) {
        answer = { error };
      }
      this.remember(key, answer);
    }
    if ('error' in answer) throw answer.error;
    return Object.assign(Object.create(Object.getPrototypeOf(answer.value) as object) as object, answer.value);
  }

  private remember(key: string, answer: { value: object } | { error: unknown }): void {
    if (this.answers.size >= this.maxEntries) this.answers.delete(this.answers.keys().next().value as string); // oldest first
    this.answers.set(key, answer);
  }
}
