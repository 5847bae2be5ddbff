/** A piece of JSON text: a string, or the UTF-8 bytes of one, encoded once and sent as they are. */
export type JsonPart = string | Uint8Array;

/**
 * A response's `data` already serialized as JSON, which the envelope interceptor splices in as it is. For answers
 * assembled from JSON kept between requests (a page of pods from each pod's summary, serialized once per pod
 * version): serializing the same objects again on every request costs more than the rest of such a request.
 * `T` is the shape the text holds, for readers of the handler's signature.
 *
 * The text is held in parts, in order: a text kept between requests is kept encoded (`encoded`), so that sending it
 * neither measures nor encodes ~12 kB again (~25 µs a request on the list route).
 */
export class JsonText<T = unknown> {
  declare readonly shape?: T;

  readonly parts: readonly JsonPart[];
  /** The text's length in UTF-8. */
  readonly byteLength: number;

  constructor(...parts: (JsonPart | JsonText)[]) {
    const flat: JsonPart[] = [];
    for (const part of parts) {
      for (const piece of part instanceof JsonText ? part.parts : [part]) {
        // Adjacent strings are joined: one write instead of several.
        const last = flat.length - 1;
        if (typeof piece === 'string' && typeof flat[last] === 'string') flat[last] += piece;
        else flat.push(piece);
      }
    }
    this.parts = flat;
    this.byteLength = flat.reduce((bytes, part) => bytes + partBytes(part), 0);
  }

  /** `text` encoded once, for a text kept between requests. */
  static encoded<T>(text: string): JsonText<T> {
    return new JsonText<T>(Buffer.from(text, 'utf8'));
  }

  /** The whole text. */
  get text(): string {
    return this.parts.map((part) => (typeof part === 'string' ? part : Buffer.from(part).toString('utf8'))).join('');
  }
}

function partBytes(part: JsonPart): number {
  return typeof part === 'string' ? Buffer.byteLength(part) : part.byteLength;
}
