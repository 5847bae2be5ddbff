import { IsString, MaxLength } from 'class-validator';
import { ClientMessage } from '../../common/ws/ws-message.js';
import { IsDnsLabel, IsDnsSubdomain } from '../../common/validation/kube-names.js';
import { IsOmittable } from '../../common/validation/presence.js';
import type { PodSummary } from './pod-summary.dto.js';

/**
 * `{"type":"subscribe", ...filters}` on WS /ws/clusters/:clusterId/pods/watch: the filters of the pod list
 * (api.md §3.1, no paging or sorting) and, to resume, the last `resourceVersion` seen.
 */
export class PodWatchSubscribeMessage extends ClientMessage {
  @IsOmittable()
  @IsDnsLabel()
  namespace?: string;

  @IsOmittable()
  @IsString()
  @MaxLength(1024)
  status?: string;

  @IsOmittable()
  @IsDnsSubdomain()
  nodeName?: string;

  @IsOmittable()
  @IsString()
  @MaxLength(253)
  search?: string;

  @IsOmittable()
  @IsString()
  @MaxLength(4096)
  labelSelector?: string;

  @IsOmittable()
  @IsString()
  @MaxLength(4096)
  fieldSelector?: string;

  @IsOmittable()
  @IsString()
  @MaxLength(64)
  resourceVersion?: string;
}

export class PodWatchUnsubscribeMessage extends ClientMessage {}

export const POD_WATCH_CLIENT_MESSAGES = {
  subscribe: PodWatchSubscribeMessage,
  unsubscribe: PodWatchUnsubscribeMessage,
};

export interface PodWatchSnapshotMessage {
  type: 'snapshot';
  items: PodSummary[];
  resourceVersion: string;
}

export interface PodWatchChangeMessage {
  type: 'added' | 'modified' | 'deleted';
  pod: PodSummary;
  /** Resuming from here replays every change not yet delivered. */
  resourceVersion: string;
}
