import { PartialType } from '@nestjs/swagger';
import { RegisterClusterBody } from './register-cluster.body.js';

/**
 * Changes a registered cluster: only the fields given change. Giving `kubeConfig` switches the cluster to that
 * kubeconfig; giving `apiServer`/`token`/`caCert` switches it to token access (then `apiServer` and `token` must be
 * known, given now or before).
 */
// `skipNullProperties: false`: a field left out keeps its value, but `null` is validated (and refused) like any other
// value — with Nest's default, `{"token": null}` would pass and wipe the stored token.
export class UpdateClusterBody extends PartialType(RegisterClusterBody, { skipNullProperties: false }) {}
