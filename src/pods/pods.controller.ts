import { Controller, Delete, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AccessDecider } from '../auth/access-decider.js';
import { Audited } from '../audit/audited.js';
import { NarrowedToGrants, RequireRole } from '../auth/access.decorators.js';
import { Caller } from '../auth/caller.js';
import type { Identity } from '../auth/identity.js';
import { ClusterParams } from '../clusters/dto/cluster.params.js';
import { ApiEnvelope } from '../common/envelope/api-envelope.decorator.js';
import type { JsonText } from '../common/envelope/json-text.js';
import { ResponseMessage } from '../common/envelope/response-message.decorator.js';
import type { Page } from '../common/pagination/page.js';
import { RateLimitedWrite } from '../rate-limit/rate-limit.decorators.js';
import { DeletePodQuery } from './dto/delete-pod.query.js';
import { ListPodsQuery, PodFilterQuery } from './dto/list-pods.query.js';
import { PodDetail } from './dto/pod-detail.dto.js';
import { PodEvent } from './dto/pod-event.dto.js';
import { PodFacets } from './dto/pod-facets.dto.js';
import { PodSummary, PodSummaryPage } from './dto/pod-summary.dto.js';
import { PodParams } from './dto/pod.params.js';
import { PodsService } from './pods.service.js';

@ApiTags('pods')
@Controller('clusters/:clusterId')
export class PodsController {
  constructor(
    private readonly pods: PodsService,
    private readonly access: AccessDecider,
  ) {}

  /** Pods of a cluster, filtered, sorted and paginated; STATUS, READY and RESTARTS exactly as kubectl shows them. */
  @Get('pods')
  @RequireRole('viewer')
  @NarrowedToGrants()
  @ApiEnvelope(PodSummaryPage, { errors: [403, 404, 502, 504] })
  listPods(
    @Param() { clusterId }: ClusterParams,
    @Query() query: ListPodsQuery,
    @Caller() caller: Identity,
  ): Promise<JsonText<Page<PodSummary>>> {
    return this.pods.list(clusterId, query, this.access.visibleNamespaces(caller, clusterId));
  }

  /** Counts for each choice of each filter, under the other filters. */
  @Get('pods/facets')
  @RequireRole('viewer')
  @NarrowedToGrants()
  @ApiEnvelope(PodFacets, { errors: [403, 404, 502, 504] })
  getPodFacets(
    @Param() { clusterId }: ClusterParams,
    @Query() query: PodFilterQuery,
    @Caller() caller: Identity,
  ): Promise<PodFacets> {
    return this.pods.facets(clusterId, query, this.access.visibleNamespaces(caller, clusterId));
  }

  @Get('namespaces/:namespace/pods/:name')
  @RequireRole('viewer')
  @ApiEnvelope(PodDetail, { errors: [403, 404, 502, 504] })
  getPod(@Param() pod: PodParams, @Caller() caller: Identity): Promise<PodDetail> {
    return this.pods.get(pod, caller);
  }

  /** Deletes a pod, gracefully unless `force`; kubectl's grace-period rules apply. */
  @Delete('namespaces/:namespace/pods/:name')
  @RequireRole('operator')
  @RateLimitedWrite()
  @Audited('pod.delete')
  @ResponseMessage('Pod deleted successfully')
  @ApiEnvelope(null, { errors: [403, 404, 502, 504], message: 'Pod deleted successfully' })
  async deletePod(@Param() pod: PodParams, @Query() query: DeletePodQuery, @Caller() caller: Identity): Promise<void> {
    await this.pods.remove(pod, query, caller);
  }

  /** The pod's events, oldest first, as `kubectl describe pod` lists them. */
  @Get('namespaces/:namespace/pods/:name/events')
  @RequireRole('viewer')
  @ApiEnvelope(PodEvent, { isArray: true, errors: [403, 404, 502, 504] })
  listPodEvents(@Param() pod: PodParams, @Caller() caller: Identity): Promise<PodEvent[]> {
    return this.pods.events(pod, caller);
  }
}
