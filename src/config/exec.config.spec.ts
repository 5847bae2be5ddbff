import { settingsUnder } from '../../test/helpers/config-env.js';
import { ConfigError } from './read-env.js';
import { execConfig } from './exec.config.js';

const NAMES = ['EXEC_IDLE_TIMEOUT_SECONDS', 'EXEC_MAX_SESSION_SECONDS', 'EXEC_MAX_SESSIONS'] as const;

describe('execConfig', () => {
  const withEnv = settingsUnder(NAMES, execConfig);

  it('defaults to a 15 minute idle limit, 4 hour sessions and 500 terminals', () => {
    expect(withEnv({})).toEqual({ idleTimeoutMs: 900_000, maxSessionMs: 14_400_000, maxSessions: 500 });
  });

  it('reads each setting in seconds', () => {
    expect(withEnv({ EXEC_IDLE_TIMEOUT_SECONDS: '1', EXEC_MAX_SESSION_SECONDS: '2', EXEC_MAX_SESSIONS: '3' })).toEqual({
      idleTimeoutMs: 1000,
      maxSessionMs: 2000,
      maxSessions: 3,
    });
  });

  it.each([
    { env: { EXEC_IDLE_TIMEOUT_SECONDS: '0' }, problem: 'EXEC_IDLE_TIMEOUT_SECONDS' },
    { env: { EXEC_MAX_SESSION_SECONDS: 'forever' }, problem: 'EXEC_MAX_SESSION_SECONDS' },
    { env: { EXEC_MAX_SESSIONS: '-1' }, problem: 'EXEC_MAX_SESSIONS' },
    { env: { EXEC_MAX_SESSIONS: '1000000' }, problem: 'EXEC_MAX_SESSIONS' },
  ])('refuses $env, naming the variable', ({ env, problem }) => {
    expect(() => withEnv(env)).toThrow(ConfigError);
    expect(() => withEnv(env)).toThrow(problem);
  });
});
