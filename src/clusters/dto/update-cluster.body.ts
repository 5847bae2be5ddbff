import { PartialType } from '@nestjs/swagger';
import { RegisterClusterBody } from './register-cluster.body.js';

/**
 * Changes a registered cluster: only the fields given change. Giving `kubeConfig` switches the cluster to that
 * kubeconfig; giving `apiServer`/`token`/`caCert` switches it to token access (then `apiServer` and `token` must be
 * known, given now or before).
 */
export class UpdateClusterBody extends PartialType(RegisterClusterBody) {}
