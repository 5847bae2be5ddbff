import { registerAs, type ConfigType } from '@nestjs/config';
import { IsInt, Max, Min } from 'class-validator';
import { ToInt } from '../common/validation/transforms.js';
import { readEnv } from './read-env.js';

const WEEK_SECONDS = 7 * 24 * 3600;

class ExecEnv {
  /**
   * A terminal with neither input nor output for this long is closed with IdleTimeout: a forgotten tab does not keep a
   * shell open in a container. Fifteen minutes, the idle limit common for administrative SSH sessions.
   */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(WEEK_SECONDS)
  EXEC_IDLE_TIMEOUT_SECONDS: number = 900;

  /**
   * A terminal open this long is closed with MaxDurationReached, however busy: a working session fits in four hours,
   * and a shell left running a loop does not stay open for good.
   */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(WEEK_SECONDS)
  EXEC_MAX_SESSION_SECONDS: number = 14_400;

  /**
   * Terminals open at once in this service; beyond, a new one is refused with TooManySessions. Each holds two sockets,
   * a send window of output and a bounded queue of input, so this bounds the memory terminals can take; the default
   * leaves room for several hundred people at a prompt.
   */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(100_000)
  EXEC_MAX_SESSIONS: number = 500;
}

export const execConfig = registerAs('exec', () => {
  const env = readEnv(ExecEnv);
  return {
    idleTimeoutMs: env.EXEC_IDLE_TIMEOUT_SECONDS * 1000,
    maxSessionMs: env.EXEC_MAX_SESSION_SECONDS * 1000,
    maxSessions: env.EXEC_MAX_SESSIONS,
  };
});
export type ExecConfig = ConfigType<typeof execConfig>;
