import { auditConfig } from './audit.config.js';
import { authConfig } from './auth.config.js';
import { databaseConfig } from './database.config.js';
import { execConfig } from './exec.config.js';
import { httpConfig } from './http.config.js';
import { kubeConfig } from './kube.config.js';
import { logsConfig } from './logs.config.js';
import { podsConfig } from './pods.config.js';
import { rateLimitConfig } from './rate-limit.config.js';
import { ConfigError } from './read-env.js';

/** Every capability's settings; each is validated at start, before the application is built. */
export const ALL_CONFIGS = [
  httpConfig,
  authConfig,
  databaseConfig,
  kubeConfig,
  podsConfig,
  logsConfig,
  execConfig,
  auditConfig,
  rateLimitConfig,
];

/** Runs every validation and reports all problems at once, so one start names every wrong setting. */
export function validateConfiguration(): void {
  const problems: string[] = [];
  for (const load of ALL_CONFIGS) {
    try {
      load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
}
