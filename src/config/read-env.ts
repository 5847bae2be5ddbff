import { readFileSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { parse as parseYaml } from 'yaml';
import { validationDetails } from '../common/validation/validation-details.js';

/** A setting that failed its rule. The message names the variable and the rule, never the value: it may be a secret. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

export type EnvSource = Record<string, string | undefined>;

/**
 * The settings as one flat map of variable names: the optional file named by `CONFIG_FILE` (YAML or JSON, the same
 * names as the environment variables), overridden by the environment. Only `config/` reads `process.env`.
 */
export function configSource(env: NodeJS.ProcessEnv = process.env): EnvSource {
  const file = env.CONFIG_FILE;
  return file ? { ...readConfigFile(file), ...env } : { ...env };
}

function readConfigFile(path: string): EnvSource {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8')); // YAML is a superset of JSON
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'not valid YAML or JSON';
    throw new ConfigError([`CONFIG_FILE: ${why}`]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConfigError(['CONFIG_FILE: must hold a map of setting names to values']);
  const source: EnvSource = {};
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (value === null || value === undefined) continue;
    source[name] = typeof value === 'string' ? value : JSON.stringify(value); // numbers and booleans print as in YAML
  }
  return source;
}

/**
 * Reads one capability's settings: converts the strings with the class's `@Transform`s, applies the field defaults
 * and validates. Unknown variables are ignored (the environment holds many that are not ours).
 */
export function readEnv<T extends object>(shape: new () => T, source: EnvSource = configSource()): T {
  const defaults = new shape();
  const present: Record<string, string> = {};
  for (const name of Object.keys(defaults)) {
    const value = source[name];
    if (value !== undefined && value !== '') present[name] = value;
  }
  const settings = plainToInstance(shape, present, { exposeDefaultValues: true });
  const errors = validateSync(settings, { whitelist: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    // Rule messages are built from the variable's name only (`PORT must be an integer number`), never its value.
    throw new ConfigError(
      validationDetails(errors).map(
        ({ field, message }) =>
          `${field}: ${message.startsWith(`${field} `) ? message.slice(field.length + 1) : message}`,
      ),
    );
  }
  return settings;
}
