export interface TokenBucketOptions {
  /** Tokens held when full: how many takes may come at once. */
  capacity: number;
  /** Tokens added back per second, up to `capacity`. */
  perSecond: number;
  now: () => number;
}

/**
 * A rate limit: `take()` succeeds while tokens are left, and tokens come back at a steady rate. A burst of up to
 * `capacity` passes at once; beyond it, `perSecond` per second on average. A refused take costs nothing.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(private readonly options: TokenBucketOptions) {
    this.tokens = options.capacity;
    this.updatedAt = options.now();
  }

  /** Takes one token if there is one; false, taking nothing, otherwise. */
  take(): boolean {
    const now = this.options.now();
    // A clock set back adds nothing rather than taking tokens away.
    const elapsedMs = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.options.capacity, this.tokens + (elapsedMs / 1000) * this.options.perSecond);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
