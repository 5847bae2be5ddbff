import { registerAs, type ConfigType } from '@nestjs/config';
import { IsString, MinLength } from 'class-validator';
import { readEnv } from './read-env.js';
import { IsSwitch, type Switch } from './switch.js';

class AuditEnv {
  /** `on`: every terminal session is also recorded as an asciicast v2 file (its output and resizes). */
  @IsSwitch()
  EXEC_RECORDING: Switch = 'off';

  /**
   * `on`: recordings also hold what the client typed. Off by default: typed input carries passwords (a `sudo` prompt,
   * a database client), which the terminal itself never echoes.
   */
  @IsSwitch()
  EXEC_RECORD_INPUT: Switch = 'off';

  /** The folder the recordings are written to (created readable by the service's user only). */
  @IsString()
  @MinLength(1)
  AUDIT_RECORDINGS_DIR: string = './data/recordings';
}

export const auditConfig = registerAs('audit', () => {
  const env = readEnv(AuditEnv);
  return {
    recording: env.EXEC_RECORDING === 'on',
    recordInput: env.EXEC_RECORD_INPUT === 'on',
    recordingsDir: env.AUDIT_RECORDINGS_DIR,
  };
});
export type AuditConfig = ConfigType<typeof auditConfig>;
