/**
 * A response's `data` already serialized as JSON, which the envelope interceptor splices in as it is. For answers
 * assembled from JSON kept between requests (a page of pods from each pod's summary, serialized once per pod
 * version): serializing the same objects again on every request costs more than the rest of such a request.
 * `T` is the shape the text holds, for readers of the handler's signature.
 */
export class JsonText<T = unknown> {
  declare readonly shape?: T;

  /**
   * `byteLength`, when given, is the text's length in UTF-8, known from where the text was kept: measuring ~12 kB
   * again costs ~15 µs a request.
   */
  constructor(
    readonly text: string,
    readonly byteLength?: number,
  ) {}
}
