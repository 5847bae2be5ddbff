import { registerAs, type ConfigType } from '@nestjs/config';
import { IsInt, Max, Min } from 'class-validator';
import { ToInt } from '../common/validation/transforms.js';
import { readEnv } from './read-env.js';

class PodsEnv {
  /** A live pod list (WS /ws/clusters/:id/pods/watch) whose snapshot would be larger is refused with TooManyPods. */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  PODS_WATCH_MAX_ITEMS: number = 5000;

  /** A live pod list sends at most one message per pod per this many milliseconds, with its latest state. */
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(60_000)
  PODS_WATCH_COALESCE_MS: number = 250;

  /** How long a request waits for a cluster's pod cache to fill before the live list answers ClusterUnreachable. */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(600)
  PODS_WATCH_SYNC_TIMEOUT_SECONDS: number = 30;

  /**
   * A live pod list whose client leaves more than the send buffer unread for this long is closed with 1013: it is
   * not reading, or reads too slowly to follow the list. Of the order of the heartbeat, which drops a peer that
   * answers no ping, and long enough for a slow link to take in the largest snapshot.
   */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(3600)
  PODS_WATCH_CONGESTED_CLOSE_SECONDS: number = 30;

  /** Messages a live pod list's client may send per second on average; beyond, each gets TooManyRequests. */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(1000)
  PODS_WATCH_MESSAGES_PER_SECOND: number = 5;

  /** Messages a live pod list's client may send at once, above the steady rate (a filter typed key by key). */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(1000)
  PODS_WATCH_MESSAGE_BURST: number = 10;
}

export const podsConfig = registerAs('pods', () => {
  const env = readEnv(PodsEnv);
  return {
    watchMaxItems: env.PODS_WATCH_MAX_ITEMS,
    watchCoalesceMs: env.PODS_WATCH_COALESCE_MS,
    watchSyncTimeoutMs: env.PODS_WATCH_SYNC_TIMEOUT_SECONDS * 1000,
    watchCongestedCloseMs: env.PODS_WATCH_CONGESTED_CLOSE_SECONDS * 1000,
    watchMessagesPerSecond: env.PODS_WATCH_MESSAGES_PER_SECOND,
    watchMessageBurst: env.PODS_WATCH_MESSAGE_BURST,
  };
});
export type PodsConfig = ConfigType<typeof podsConfig>;
