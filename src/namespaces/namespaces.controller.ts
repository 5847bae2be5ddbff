import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AccessDecider } from '../auth/access-decider.js';
import { NarrowedToGrants, RequireRole } from '../auth/access.decorators.js';
import { Caller } from '../auth/caller.js';
import type { Identity } from '../auth/identity.js';
import { ClusterParams } from '../clusters/dto/cluster.params.js';
import { ApiEnvelope } from '../common/envelope/api-envelope.decorator.js';
import type { Page } from '../common/pagination/page.js';
import { ListNamespacesQuery } from './dto/list-namespaces.query.js';
import { NamespaceSummaryPage, type NamespaceSummary } from './dto/namespace-summary.dto.js';
import { NamespacesService } from './namespaces.service.js';

@ApiTags('namespaces')
@Controller('clusters/:clusterId')
export class NamespacesController {
  constructor(
    private readonly namespaces: NamespacesService,
    private readonly access: AccessDecider,
  ) {}

  /** The cluster's namespaces, with their pod counts. */
  @Get('namespaces')
  @RequireRole('viewer')
  @NarrowedToGrants()
  @ApiEnvelope(NamespaceSummaryPage, { errors: [403, 404, 502, 504] })
  listNamespaces(
    @Param() { clusterId }: ClusterParams,
    @Query() query: ListNamespacesQuery,
    @Caller() caller: Identity,
  ): Promise<Page<NamespaceSummary>> {
    return this.namespaces.list(clusterId, query, this.access.visibleNamespaces(caller, clusterId));
  }
}
