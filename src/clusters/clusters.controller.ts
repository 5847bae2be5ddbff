import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AccessDecider } from '../auth/access-decider.js';
import { Audited } from '../audit/audited.js';
import { NarrowedToGrants, RequireRole } from '../auth/access.decorators.js';
import { Caller } from '../auth/caller.js';
import type { Identity } from '../auth/identity.js';
import { ApiEnvelope } from '../common/envelope/api-envelope.decorator.js';
import { ResponseMessage } from '../common/envelope/response-message.decorator.js';
import type { Page } from '../common/pagination/page.js';
import { RateLimitedWrite } from '../rate-limit/rate-limit.decorators.js';
import { ClustersService } from './clusters.service.js';
import { Cluster, ClusterPage, ClusterTestResult, RegisteredCluster } from './dto/cluster.dto.js';
import { ClusterParams } from './dto/cluster.params.js';
import { ListClustersQuery } from './dto/list-clusters.query.js';
import { RegisterClusterBody } from './dto/register-cluster.body.js';
import { UpdateClusterBody } from './dto/update-cluster.body.js';

@ApiTags('clusters')
@Controller('clusters')
export class ClustersController {
  constructor(
    private readonly clusters: ClustersService,
    private readonly access: AccessDecider,
  ) {}

  /** Clusters, with their last known status, version and counts. */
  @Get()
  @RequireRole('viewer')
  @NarrowedToGrants()
  @ApiEnvelope(ClusterPage)
  listClusters(@Query() query: ListClustersQuery, @Caller() caller: Identity): Promise<Page<Cluster>> {
    return this.clusters.list(query, this.access.seesCluster(caller));
  }

  @Get(':clusterId')
  @RequireRole('viewer')
  @ApiEnvelope(Cluster, { errors: [404] })
  getCluster(@Param() { clusterId }: ClusterParams): Promise<Cluster> {
    return this.clusters.get(clusterId);
  }

  /** Registers a cluster; its credentials are stored encrypted and never returned. */
  @Post()
  @RequireRole('admin')
  @RateLimitedWrite()
  @Audited('cluster.register')
  @ApiEnvelope(RegisteredCluster, { status: 201, errors: [409, 503] })
  registerCluster(@Body() body: RegisterClusterBody): Promise<RegisteredCluster> {
    return this.clusters.register(body);
  }

  /** Changes a registered cluster (clusters from kubeconfig or in-cluster configuration: 409). */
  @Put(':clusterId')
  @RequireRole('admin')
  @RateLimitedWrite()
  @Audited('cluster.update')
  @ApiEnvelope(Cluster, { errors: [404, 409, 503] })
  updateCluster(@Param() { clusterId }: ClusterParams, @Body() body: UpdateClusterBody): Promise<Cluster> {
    return this.clusters.update(clusterId, body);
  }

  /** Unregisters a cluster: its caches stop, its open log streams and terminals close. */
  @Delete(':clusterId')
  @RequireRole('admin')
  @RateLimitedWrite()
  @Audited('cluster.unregister')
  @ResponseMessage('Cluster deleted successfully')
  @ApiEnvelope(null, { errors: [404, 409], message: 'Cluster deleted successfully' })
  async deleteCluster(@Param() { clusterId }: ClusterParams): Promise<void> {
    await this.clusters.remove(clusterId);
  }

  /** Probes the cluster now (bounded by CLUSTER_TEST_TIMEOUT_SECONDS). */
  @Post(':clusterId/test')
  @HttpCode(200)
  @RequireRole('viewer')
  @RateLimitedWrite()
  @ApiEnvelope(ClusterTestResult, { errors: [404] })
  testCluster(@Param() { clusterId }: ClusterParams): Promise<ClusterTestResult> {
    return this.clusters.test(clusterId);
  }
}
