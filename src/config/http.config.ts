import { registerAs, type ConfigType } from '@nestjs/config';
import { IsIn, IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import { ToInt } from '../common/validation/transforms.js';
import { readEnv } from './read-env.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Loopback: the service is reachable from this machine only until HOST says otherwise (see AUTH_MODE). */
export const DEFAULT_HOST = '127.0.0.1';

class HttpEnv {
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(65_535)
  PORT: number = 3000;

  @IsString()
  @MinLength(1)
  HOST: string = DEFAULT_HOST;

  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevelName = 'log';

  /** Largest JSON request body; bigger ones get 413. */
  @ToInt()
  @IsInt()
  @Min(1024)
  @Max(104_857_600)
  HTTP_MAX_BODY_BYTES: number = 1_048_576;

  /** Protocol-level ping interval on every WebSocket; a peer that misses one is dropped. */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(3600)
  WS_PING_INTERVAL_SECONDS: number = 30;
}

export const httpConfig = registerAs('http', () => {
  const env = readEnv(HttpEnv);
  return {
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    maxBodyBytes: env.HTTP_MAX_BODY_BYTES,
    wsPingIntervalMs: env.WS_PING_INTERVAL_SECONDS * 1000,
  };
});
export type HttpConfig = ConfigType<typeof httpConfig>;

/** The levels Nest prints for a chosen threshold (`LOG_LEVEL=warn` prints fatal, error and warn). */
export function logLevelsFrom(threshold: LogLevelName): LogLevelName[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(threshold) + 1);
}
