import { registerAs, type ConfigType } from '@nestjs/config';
import { IsInt, Max, Min } from 'class-validator';
import { ToInt } from '../common/validation/transforms.js';
import { readEnv } from './read-env.js';

class LogsEnv {
  /** The most a REST log answer holds (`GET …/logs`); a longer log is cut there with `truncated: true`. */
  @ToInt()
  @IsInt()
  @Min(1024)
  @Max(1_073_741_824)
  LOGS_MAX_BYTES: number = 10 * 1024 * 1024;

  /** Log streams (WS …/pods/:name/logs subscriptions) open at once in this service; beyond, TooManyStreams. */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  LOGS_MAX_STREAMS: number = 1000;

  /**
   * Messages a log stream's client may send per second on average; beyond, each gets TooManyRequests. Each subscribe
   * costs the cluster a pod read and a log request.
   */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(1000)
  LOGS_STREAM_MESSAGES_PER_SECOND: number = 5;

  /** Messages a log stream's client may send at once, above the steady rate. */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(1000)
  LOGS_STREAM_MESSAGE_BURST: number = 10;
}

export const logsConfig = registerAs('logs', () => {
  const env = readEnv(LogsEnv);
  return {
    maxBytes: env.LOGS_MAX_BYTES,
    maxStreams: env.LOGS_MAX_STREAMS,
    streamMessagesPerSecond: env.LOGS_STREAM_MESSAGES_PER_SECOND,
    streamMessageBurst: env.LOGS_STREAM_MESSAGE_BURST,
  };
});
export type LogsConfig = ConfigType<typeof logsConfig>;
