import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination/page-query.js';
import { IsDnsLabel, IsDnsSubdomain } from '../../common/validation/kube-names.js';
import { POD_SORT_KEYS, SORT_ORDERS, type PodSortKey, type SortOrder } from '../pod-query.js';
import { IsOmittable } from '../../common/validation/presence.js';

/** The filters of a pod list (api.md §3.1), shared by the list, the facets and the live watch. */
export class PodFilterQuery {
  @ApiPropertyOptional({ description: 'Only this namespace; all namespaces when absent', example: 'default' })
  @IsOmittable()
  @IsDnsLabel()
  namespace?: string;

  @ApiPropertyOptional({
    description: 'Display status as kubectl prints it, case-insensitive; a comma list matches any',
    example: 'Running,Pending',
  })
  @IsOmittable()
  @IsString()
  @MaxLength(1024)
  status?: string;

  @ApiPropertyOptional({ description: 'Exact node name', example: 'node-1' })
  @IsOmittable()
  @IsDnsSubdomain()
  nodeName?: string;

  @ApiPropertyOptional({
    description: 'Case-insensitive substring of name, namespace, nodeName, podIP, hostIP or a container image',
    maxLength: 253,
  })
  @IsOmittable()
  @IsString()
  @MaxLength(253)
  search?: string;

  @ApiPropertyOptional({ description: 'Kubernetes label selector', example: 'app=nginx,tier in (web,api),!canary' })
  @IsOmittable()
  @IsString()
  @MaxLength(4096)
  labelSelector?: string;

  @ApiPropertyOptional({
    description:
      'Kubernetes field selector over metadata.name, metadata.namespace, spec.nodeName, spec.restartPolicy, spec.schedulerName, spec.serviceAccountName, spec.hostNetwork, status.phase, status.podIP, status.nominatedNodeName (=, ==, !=)',
    example: 'status.phase=Running,spec.nodeName!=node-2',
  })
  @IsOmittable()
  @IsString()
  @MaxLength(4096)
  fieldSelector?: string;
}

export class ListPodsQuery extends IntersectionType(PageQuery, PodFilterQuery) {
  @ApiPropertyOptional({ enum: POD_SORT_KEYS, default: 'createdAt' })
  @IsOmittable()
  @IsIn(POD_SORT_KEYS)
  sortBy: PodSortKey = 'createdAt';

  @ApiPropertyOptional({ enum: SORT_ORDERS, description: 'Default `desc` for createdAt, `asc` otherwise' })
  @IsOmittable()
  @IsIn(SORT_ORDERS)
  sortOrder?: SortOrder;
}
