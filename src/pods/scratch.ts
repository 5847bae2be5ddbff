/**
 * Reusable zeroed typed arrays for per-query work. A new 100 kB typed array per query lives outside the JS heap
 * but counts as external memory, and with a few hundred MB of pods on the heap the full collections it triggers
 * showed up as 20–30 ms p95 spikes (docs/performance.md). One buffer per purpose is kept, grown when needed, and
 * zeroed on each use: a `fill` of 100 kB takes a few microseconds.
 *
 * A buffer is valid until the next call with the same purpose: callers use them within one synchronous query.
 */
type Zeroed = Uint8Array | Uint16Array | Int32Array;

export class Scratch {
  private readonly buffers = new Map<string, Zeroed>();

  bytes(purpose: string, length: number): Uint8Array {
    return this.zeroed(purpose, length, Uint8Array);
  }

  uint16(purpose: string, length: number): Uint16Array {
    return this.zeroed(purpose, length, Uint16Array);
  }

  int32(purpose: string, length: number): Int32Array {
    return this.zeroed(purpose, length, Int32Array);
  }

  /** Like `int32`, but holding whatever the last user left: for a caller that writes before it reads. */
  int32Unzeroed(purpose: string, length: number): Int32Array {
    return this.zeroed(purpose, length, Int32Array, false);
  }

  private zeroed<A extends Zeroed>(purpose: string, length: number, create: new (length: number) => A, zero = true): A {
    let buffer = this.buffers.get(purpose) as A | undefined;
    if (!buffer || buffer.length < length) {
      buffer = new create(Math.max(length, 2 * (buffer?.length ?? 0), 64));
      this.buffers.set(purpose, buffer);
    } else if (zero) {
      buffer.fill(0, 0, length);
    }
    return buffer.subarray(0, length) as A;
  }
}
