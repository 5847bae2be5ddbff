export interface SendCongestionOptions {
  /** Unread bytes above which the socket counts as congested. */
  thresholdBytes: number;
  /** Congested without a break for this long, the client is given up on. */
  closeAfterMs: number;
  now: () => number;
}

export type CongestionState =
  | { kind: 'flowing' }
  | {
      kind: 'congested';
      /** When to look again: the client is given up on then if still congested. */ closeInMs: number;
    }
  | { kind: 'stuck' };

const FLOWING: CongestionState = { kind: 'flowing' };

/**
 * Whether a socket's client keeps up with what it is sent, from the bytes it has left unread each time someone
 * looks. Above the threshold nothing more is queued; staying above it for `closeAfterMs` marks a client that is not
 * reading at all (or far too slowly to follow), which is closed rather than held on to.
 */
export class SendCongestion {
  private since?: number;

  constructor(private readonly options: SendCongestionOptions) {}

  observe(unreadBytes: number): CongestionState {
    if (unreadBytes <= this.options.thresholdBytes) {
      this.since = undefined;
      return FLOWING;
    }
    const now = this.options.now();
    this.since ??= now;
    const closeInMs = this.since + this.options.closeAfterMs - now;
    return closeInMs > 0 ? { kind: 'congested', closeInMs } : { kind: 'stuck' };
  }
}
