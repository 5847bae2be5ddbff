import { settingsUnder } from '../../test/helpers/config-env.js';
import { ConfigError } from './read-env.js';
import { rateLimitConfig } from './rate-limit.config.js';

const NAMES = [
  'RATE_LIMIT_WINDOW_SECONDS',
  'RATE_LIMIT_WRITES',
  'RATE_LIMIT_TERMINALS',
  'RATE_LIMIT_LOG_STREAMS',
] as const;

describe('rateLimitConfig', () => {
  const withEnv = settingsUnder(NAMES, rateLimitConfig);

  it('defaults to 600 writes, 120 terminals and 1200 log streams per caller per minute', () => {
    expect(withEnv({})).toEqual({ windowMs: 60_000, limits: { writes: 600, terminals: 120, logStreams: 1200 } });
  });

  it('reads the window in seconds and each limit as a count', () => {
    expect(
      withEnv({
        RATE_LIMIT_WINDOW_SECONDS: '10',
        RATE_LIMIT_WRITES: '1',
        RATE_LIMIT_TERMINALS: '2',
        RATE_LIMIT_LOG_STREAMS: '3',
      }),
    ).toEqual({ windowMs: 10_000, limits: { writes: 1, terminals: 2, logStreams: 3 } });
  });

  it.each([
    { env: { RATE_LIMIT_WINDOW_SECONDS: '0' }, problem: 'RATE_LIMIT_WINDOW_SECONDS' },
    { env: { RATE_LIMIT_WINDOW_SECONDS: '86401' }, problem: 'RATE_LIMIT_WINDOW_SECONDS' },
    { env: { RATE_LIMIT_WRITES: '0' }, problem: 'RATE_LIMIT_WRITES' },
    { env: { RATE_LIMIT_WRITES: 'many' }, problem: 'RATE_LIMIT_WRITES' },
    { env: { RATE_LIMIT_TERMINALS: '100001' }, problem: 'RATE_LIMIT_TERMINALS' },
    { env: { RATE_LIMIT_LOG_STREAMS: '-1' }, problem: 'RATE_LIMIT_LOG_STREAMS' },
  ])('refuses $env, naming the variable', ({ env, problem }) => {
    expect(() => withEnv(env)).toThrow(ConfigError);
    expect(() => withEnv(env)).toThrow(problem);
  });
});
