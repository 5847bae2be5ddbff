import { IsBoolean, IsInt, Max, Min, ValidateBy } from 'class-validator';
import type { WsErrorMessage } from '../../common/ws/ws-message.js';
import { ClientMessage } from '../../common/ws/ws-message.js';
import { IsExclusiveWith } from '../../common/validation/exclusive.js';
import { IsDnsLabel } from '../../common/validation/kube-names.js';
import { IsRfc3339Time } from '../../common/validation/kube-time.js';
import { IsOmittable } from '../../common/validation/presence.js';
import { MAX_SINCE_SECONDS, MAX_TAIL_LINES } from './get-logs.query.js';

/** The field is valid only while `holds(message)` is true for the whole message; else `message` names the rule. */
function OnlyWhen(holds: (message: LogSubscribeMessage) => boolean, message: string): PropertyDecorator {
  return ValidateBy({
    name: 'onlyWhen',
    validator: {
      validate: (_value, args) => holds(args?.object as LogSubscribeMessage),
      defaultMessage: () => message,
    },
  });
}

/**
 * `{"type":"subscribe", ...}` on WS /ws/clusters/:clusterId/namespaces/:namespace/pods/:name/logs (api.md §4.2):
 * which container's log to stream and how, with `kubectl logs`' options. A new subscribe replaces the current stream.
 */
export class LogSubscribeMessage extends ClientMessage {
  /** The container; default as kubectl picks it: the `kubectl.kubernetes.io/default-container` annotation, else the first. */
  @IsOmittable()
  @IsDnsLabel()
  container?: string;

  /** Go on streaming what the container writes (default false: the log as it is, then `end` `Completed`). */
  @IsOmittable()
  @IsBoolean()
  follow?: boolean;

  /** Only the last N lines (of the first instance streamed). */
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(MAX_TAIL_LINES)
  tailLines?: number;

  /** Only the lines of the last N seconds (of the first instance streamed). */
  @IsOmittable()
  @IsInt()
  @Min(1)
  @Max(MAX_SINCE_SECONDS)
  sinceSeconds?: number;

  /** Only the lines after this RFC 3339 time (of the first instance streamed); not with `sinceSeconds`. */
  @IsOmittable()
  @IsRfc3339Time()
  @IsExclusiveWith('sinceSeconds')
  sinceTime?: string;

  /** Prefix each line with the RFC 3339 time Kubernetes recorded for it. */
  @IsOmittable()
  @IsBoolean()
  timestamps?: boolean;

  /** The previous (terminated) instance of the container. */
  @IsOmittable()
  @IsBoolean()
  previous?: boolean;

  /** When the container restarts, go on with its new instance (after a `restarted` message). */
  @IsOmittable()
  @IsBoolean()
  @OnlyWhen(
    (message) => message.followRestarts !== true || (message.follow === true && message.previous !== true),
    'followRestarts needs follow: true, and follows the current instance (not with previous: true)',
  )
  followRestarts?: boolean;
}

/** `{"type":"unsubscribe"}`: ends the current stream. */
export class LogUnsubscribeMessage extends ClientMessage {}

export const LOG_STREAM_CLIENT_MESSAGES = {
  subscribe: LogSubscribeMessage,
  unsubscribe: LogUnsubscribeMessage,
};

/** Why a stream ended (`end` message). */
export const LOG_END_REASONS = [
  /** `follow` was false and the log was read to its end. */
  'Completed',
  /** The container instance stopped (and, with `followRestarts`, will not be restarted). */
  'ContainerTerminated',
  /** The pod was deleted (or is being deleted, or was replaced by a new pod of the same name). */
  'PodDeleted',
  /** The cluster was removed from the service. */
  'ClusterRemoved',
] as const;
export type LogEndReason = (typeof LOG_END_REASONS)[number];

/** Sent once the upstream log is open; every `log` after it belongs to this stream. */
export interface LogSubscribedMessage {
  type: 'subscribed';
  /** The container streamed: the one asked for, or the pod's default. */
  container: string;
}

/** One line of the log, without its line ending. */
export interface LogLineMessage {
  type: 'log';
  data: string;
}

/** With `followRestarts`: the container restarted; the new instance's lines follow. */
export interface LogRestartedMessage {
  type: 'restarted';
  restartCount: number;
}

export interface LogEndMessage {
  type: 'end';
  reason: LogEndReason;
}

export type LogStreamServerMessage =
  LogSubscribedMessage | LogLineMessage | LogRestartedMessage | LogEndMessage | WsErrorMessage;
