import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsBoolean, IsIn, IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import { IsOmittable } from '../common/validation/presence.js';
import { ToBoolean, ToInt } from '../common/validation/transforms.js';
import { validateConfiguration } from './all-configs.js';
import { ConfigError, configSource, readEnv } from './read-env.js';

class SampleEnv {
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(65_535)
  PORT: number = 3000;

  @ToBoolean()
  @IsBoolean()
  FEATURE_ON: boolean = false;

  @IsIn(['a', 'b'])
  MODE: string = 'a';

  @IsOmittable()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  SECRET?: string = undefined;
}

describe(readEnv.name, () => {
  it('applies defaults for unset and empty variables', () => {
    expect(readEnv(SampleEnv, { PORT: '' })).toEqual({ PORT: 3000, FEATURE_ON: false, MODE: 'a', SECRET: undefined });
  });

  it.each([
    { source: { PORT: '8080' }, expected: { PORT: 8080 } },
    { source: { FEATURE_ON: 'false' }, expected: { FEATURE_ON: false } },
    { source: { FEATURE_ON: 'true' }, expected: { FEATURE_ON: true } },
    { source: { MODE: 'b' }, expected: { MODE: 'b' } },
  ])('converts $source explicitly', ({ source, expected }) => {
    expect(readEnv(SampleEnv, source)).toMatchObject(expected);
  });

  it.each([
    { source: { PORT: 'abc' }, problem: 'PORT: must be an integer number' },
    { source: { PORT: '70000' }, problem: 'PORT: must not be greater than 65535' },
    { source: { FEATURE_ON: 'maybe' }, problem: 'FEATURE_ON: must be a boolean value' },
    { source: { SECRET: 'hunter2' }, problem: 'SECRET: must be at least 32 characters' },
  ])('names the variable and the rule for $source', ({ source, problem }) => {
    expect(() => readEnv(SampleEnv, source)).toThrow(ConfigError);
    try {
      readEnv(SampleEnv, source);
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([problem]);
      for (const value of Object.values(source)) expect((error as ConfigError).message).not.toContain(value);
    }
  });

  it('ignores variables that are not its own', () => {
    expect(readEnv(SampleEnv, { PATH: '/bin', PORT: '1' })).not.toHaveProperty('PATH');
  });
});

describe(configSource.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'pod-api-config-'));

  it('reads the optional CONFIG_FILE (YAML) and lets the environment override it', () => {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'PORT: 4000\nLOG_LEVEL: debug\n');
    expect(configSource({ CONFIG_FILE: file, PORT: '5000' })).toMatchObject({ PORT: '5000', LOG_LEVEL: 'debug' });
  });

  it('reads a JSON config file', () => {
    const file = join(dir, 'config.json');
    writeFileSync(file, '{"HOST": "0.0.0.0", "WS_PING_INTERVAL_SECONDS": 10}');
    expect(configSource({ CONFIG_FILE: file })).toMatchObject({ HOST: '0.0.0.0', WS_PING_INTERVAL_SECONDS: '10' });
  });

  it.each([
    { label: 'a missing file', content: undefined, problem: 'CONFIG_FILE: file not found' },
    { label: 'a list', content: '- a\n- b\n', problem: 'CONFIG_FILE: must hold a map of setting names to values' },
    { label: 'broken YAML', content: 'a: [1,\n', problem: 'CONFIG_FILE: not valid YAML or JSON' },
  ])('refuses $label', ({ content, problem }) => {
    const file = join(dir, `bad-${Math.random()}.yaml`);
    if (content !== undefined) writeFileSync(file, content);
    expect(() => configSource({ CONFIG_FILE: file })).toThrow(problem);
  });
});

describe(validateConfiguration.name, () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reports every wrong setting at once, by name', () => {
    process.env.PORT = 'abc';
    process.env.DATABASE_URL = 'mysql://x';
    process.env.ENCRYPTION_KEY = 'too-short-secret';
    expect(() => validateConfiguration()).toThrow(ConfigError);
    try {
      validateConfiguration();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'PORT: must be an integer number',
        'DATABASE_URL: must be sqlite:<path>, sqlite::memory: or postgres://…',
        'ENCRYPTION_KEY: must be at least 32 characters',
      ]);
      expect((error as ConfigError).message).not.toContain('too-short-secret');
    }
  });

  it('refuses no authentication on an address other than loopback, saying what to set', () => {
    delete process.env.AUTH_MODE;
    process.env.HOST = '0.0.0.0';
    expect(() => validateConfiguration()).toThrow(
      'AUTH_MODE: unset means none (no authentication), which is only allowed while HOST is a loopback address',
    );
  });

  it('accepts the defaults', () => {
    for (const name of ['PORT', 'HOST', 'LOG_LEVEL', 'DATABASE_URL', 'ENCRYPTION_KEY', 'KUBECONFIG', 'CONFIG_FILE'])
      delete process.env[name];
    expect(() => validateConfiguration()).not.toThrow();
  });
});
