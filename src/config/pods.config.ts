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
}

export const podsConfig = registerAs('pods', () => {
  const env = readEnv(PodsEnv);
  return {
    watchMaxItems: env.PODS_WATCH_MAX_ITEMS,
    watchCoalesceMs: env.PODS_WATCH_COALESCE_MS,
    watchSyncTimeoutMs: env.PODS_WATCH_SYNC_TIMEOUT_SECONDS * 1000,
  };
});
export type PodsConfig = ConfigType<typeof podsConfig>;
