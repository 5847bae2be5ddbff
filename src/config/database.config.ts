import { registerAs, type ConfigType } from '@nestjs/config';
import { IsString, Matches, MinLength } from 'class-validator';
import { IsOmittable } from '../common/validation/presence.js';
import { readEnv } from './read-env.js';

class DatabaseEnv {
  @IsString()
  @Matches(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, { message: 'must be sqlite:<path>, sqlite::memory: or postgres://…' })
  DATABASE_URL: string = 'sqlite:./data/pod-api.db';

  /** Any secret of at least 32 characters; the AES-256-GCM key for stored credentials is derived from it (HKDF-SHA256). */
  @IsOmittable()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  ENCRYPTION_KEY?: string = undefined;
}

export const databaseConfig = registerAs('database', () => {
  const env = readEnv(DatabaseEnv);
  return { url: env.DATABASE_URL, encryptionKey: env.ENCRYPTION_KEY };
});
export type DatabaseConfig = ConfigType<typeof databaseConfig>;
