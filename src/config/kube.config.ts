import { homedir } from 'node:os';
import { join } from 'node:path';
import { registerAs, type ConfigType } from '@nestjs/config';
import { IsIn, IsInt, IsString, Max, Min } from 'class-validator';
import { IsOmittable } from '../common/validation/presence.js';
import { ToInt } from '../common/validation/transforms.js';
import { readEnv } from './read-env.js';
import { IsSwitch, type Switch } from './switch.js';

export const SANDBOX_MODES = ['auto', 'on', 'off'] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];

class KubeEnv {
  /** Kubeconfig file(s) whose contexts become clusters; `~/.kube/config` when unset. Colon-separated like kubectl. */
  @IsOmittable()
  @IsString()
  KUBECONFIG?: string = undefined;

  /** A request to a cluster that takes longer is abandoned with 504 UpstreamTimeout. */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(600)
  KUBE_REQUEST_TIMEOUT_SECONDS: number = 30;

  /** A connection to a cluster that is not established within this time fails with 502 ClusterUnreachable. */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(120)
  KUBE_CONNECT_TIMEOUT_SECONDS: number = 5;

  /** After a cluster could not be reached, its requests fail at once for this long (then it is tried again). */
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(600)
  KUBE_UNREACHABLE_HOLD_SECONDS: number = 5;

  /**
   * An answer from a cluster larger than this is not read further: the request is aborted and answered 502
   * ClusterUnreachable. A LIST page of 500 pods averaging 128 KiB each fits; real pods weigh a few KiB to tens of KiB.
   */
  @ToInt()
  @IsInt()
  @Min(64 * 1024)
  @Max(512 * 1024 * 1024)
  KUBE_MAX_RESPONSE_BYTES: number = 64 * 1024 * 1024;

  /**
   * One watch event (one object) larger than this fails the watch, which is retried with back-off. An object stored
   * in etcd is at most about 1.5 MiB, a few MiB once written as JSON.
   */
  @ToInt()
  @IsInt()
  @Min(64 * 1024)
  @Max(512 * 1024 * 1024)
  KUBE_MAX_WATCH_LINE_BYTES: number = 16 * 1024 * 1024;

  /**
   * A watch that delivers nothing, not even a bookmark, for this long is taken for a dead connection: it is closed,
   * and the cache checks its resourceVersion with the API server before it watches again. An API server sends each
   * watch a bookmark about once a minute; two and a half minutes let one bookmark be lost without a false alarm.
   */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(3600)
  KUBE_WATCH_IDLE_TIMEOUT_SECONDS: number = 150;

  /** Upper bound of `POST /api/clusters/:id/test`. */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(120)
  CLUSTER_TEST_TIMEOUT_SECONDS: number = 5;

  /** How long a cluster's status, version and counts are reused before they are probed again. */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(3600)
  CLUSTER_HEALTH_TTL_SECONDS: number = 30;

  /** `auto`: start the built-in simulator as cluster `sandbox` when no cluster is configured; `on`: always; `off`: never. */
  @IsIn(SANDBOX_MODES, { message: `must be one of ${SANDBOX_MODES.join(', ')}` })
  SANDBOX: SandboxMode = 'auto';

  /**
   * `on`: the clusters that come from KUBECONFIG, the in-cluster configuration and the built-in sandbox impersonate
   * their callers (`Impersonate-User` / `Impersonate-Group`), so that each cluster's own RBAC applies to what a caller
   * does there, on top of the grants. Registered clusters have their own `impersonate` field instead.
   */
  @IsSwitch()
  KUBE_IMPERSONATE: Switch = 'off';

  /** Set by Kubernetes in every pod: the service then also serves the cluster it runs in. */
  @IsOmittable()
  @IsString()
  KUBERNETES_SERVICE_HOST?: string = undefined;
}

export const kubeConfig = registerAs('kube', () => {
  const env = readEnv(KubeEnv);
  return {
    /** The kubeconfig files to read, and whether they were named explicitly (then a broken file stops the start). */
    kubeconfigPaths: env.KUBECONFIG
      ? env.KUBECONFIG.split(':').filter((path) => path.length > 0)
      : [join(homedir(), '.kube', 'config')],
    kubeconfigExplicit: env.KUBECONFIG !== undefined,
    requestTimeoutMs: env.KUBE_REQUEST_TIMEOUT_SECONDS * 1000,
    connectTimeoutMs: env.KUBE_CONNECT_TIMEOUT_SECONDS * 1000,
    unreachableHoldMs: env.KUBE_UNREACHABLE_HOLD_SECONDS * 1000,
    maxResponseBytes: env.KUBE_MAX_RESPONSE_BYTES,
    maxWatchLineBytes: env.KUBE_MAX_WATCH_LINE_BYTES,
    watchIdleTimeoutMs: env.KUBE_WATCH_IDLE_TIMEOUT_SECONDS * 1000,
    testTimeoutMs: env.CLUSTER_TEST_TIMEOUT_SECONDS * 1000,
    healthTtlMs: env.CLUSTER_HEALTH_TTL_SECONDS * 1000,
    sandbox: env.SANDBOX,
    /** Whether the configured clusters (kubeconfig, in-cluster, sandbox) impersonate their callers. */
    impersonate: env.KUBE_IMPERSONATE === 'on',
    inCluster: env.KUBERNETES_SERVICE_HOST !== undefined,
  };
});
export type KubeSettings = ConfigType<typeof kubeConfig>;
