import { registerAs, type ConfigType } from '@nestjs/config';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { ToInt } from '../common/validation/transforms.js';
import { readEnv } from './read-env.js';

class KubeEnv {
  /** Kubeconfig file(s) whose contexts become clusters; `~/.kube/config` when unset. Colon-separated like kubectl. */
  @IsOptional()
  @IsString()
  KUBECONFIG?: string = undefined;

  /** A request to a cluster that takes longer is abandoned with 504 UpstreamTimeout. */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(600)
  KUBE_REQUEST_TIMEOUT_SECONDS: number = 30;
}

export const kubeConfig = registerAs('kube', () => {
  const env = readEnv(KubeEnv);
  return { kubeconfigPath: env.KUBECONFIG, requestTimeoutMs: env.KUBE_REQUEST_TIMEOUT_SECONDS * 1000 };
});
export type KubeConfigSettings = ConfigType<typeof kubeConfig>;
