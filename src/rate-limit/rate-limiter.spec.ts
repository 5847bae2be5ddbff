import { ThrottlerStorageService } from '@nestjs/throttler';
import { TooManyRequestsError } from '../common/errors/api-error.js';
import type { RateLimitConfig } from '../config/rate-limit.config.js';
import { rateLimitExceeded, RateLimiter } from './rate-limiter.js';

const CONFIG: RateLimitConfig = { windowMs: 10_000, limits: { writes: 2, terminals: 1, logStreams: 3 } };

/** What `spend` did: `ok`, or the refusal's retry-after seconds. */
async function outcome(limiter: RateLimiter, ...args: Parameters<RateLimiter['spend']>): Promise<'ok' | number> {
  try {
    await limiter.spend(...args);
    return 'ok';
  } catch (error) {
    if (!(error instanceof TooManyRequestsError)) throw error;
    return error.retryAfterSeconds;
  }
}

describe(RateLimiter.name, () => {
  // @nestjs/throttler's storage reads Date.now() and offers no clock to pass: time itself is the behaviour here.
  let storage: ThrottlerStorageService;
  let limiter: RateLimiter;
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    storage = new ThrottlerStorageService();
    limiter = new RateLimiter(storage, CONFIG);
  });
  afterEach(() => {
    storage.onApplicationShutdown();
    jest.useRealTimers();
  });

  it('lets a caller spend its limit, then refuses with 429 TooManyRequests until its oldest request leaves', async () => {
    await expect(outcome(limiter, 'writes', 'user:alice')).resolves.toBe('ok');
    jest.advanceTimersByTime(3000);
    await expect(outcome(limiter, 'writes', 'user:alice')).resolves.toBe('ok');
    const refusal = limiter.spend('writes', 'user:alice');
    await expect(refusal).rejects.toMatchObject({ status: 429, reason: 'TooManyRequests', retryAfterSeconds: 7 });
    await expect(refusal).rejects.toThrow('too many changes: at most 2 per 10 s for each caller; try again in 7 s');
  });

  it('counts each caller and each budget apart', async () => {
    await limiter.spend('writes', 'user:alice');
    await limiter.spend('writes', 'user:alice');
    await expect(outcome(limiter, 'writes', 'user:alice')).resolves.toBe(10);
    await expect(outcome(limiter, 'writes', 'user:bob')).resolves.toBe('ok');
    await expect(outcome(limiter, 'terminals', 'user:alice')).resolves.toBe('ok');
    await expect(outcome(limiter, 'terminals', 'user:alice')).resolves.toBe(10);
    await expect(outcome(limiter, 'logStreams', 'user:alice')).resolves.toBe('ok');
  });

  it('slides: a refused request counts nothing, and each request that leaves the window makes room for one', async () => {
    await limiter.spend('writes', 'token:portal'); // t = 0
    jest.advanceTimersByTime(4000);
    await limiter.spend('writes', 'token:portal'); // t = 4 s
    for (let attempt = 0; attempt < 20; attempt++) await outcome(limiter, 'writes', 'token:portal');
    jest.advanceTimersByTime(6000); // t = 10 s: the first has left the window, the second has not
    await expect(outcome(limiter, 'writes', 'token:portal')).resolves.toBe('ok');
    await expect(outcome(limiter, 'writes', 'token:portal')).resolves.toBe(4);
    jest.advanceTimersByTime(4000); // t = 14 s: the second has left too
    await expect(outcome(limiter, 'writes', 'token:portal')).resolves.toBe('ok');
  });

  it('gives a caller its whole limit back once a window has passed since its last request', async () => {
    for (let spent = 0; spent < 3; spent++) await limiter.spend('logStreams', 'address:127.0.0.1');
    await expect(outcome(limiter, 'logStreams', 'address:127.0.0.1')).resolves.toBe(10);
    jest.advanceTimersByTime(CONFIG.windowMs);
    for (let spent = 0; spent < 3; spent++)
      await expect(outcome(limiter, 'logStreams', 'address:127.0.0.1')).resolves.toBe('ok');
    await expect(outcome(limiter, 'logStreams', 'address:127.0.0.1')).resolves.toBe(10);
  });
});

describe(rateLimitExceeded.name, () => {
  it.each([
    { budget: 'writes', expected: 'too many changes: at most 600 per 60 s for each caller; try again in 12 s' },
    {
      budget: 'terminals',
      expected: 'too many new terminals: at most 600 per 60 s for each caller; try again in 12 s',
    },
    {
      budget: 'logStreams',
      expected: 'too many new log streams: at most 600 per 60 s for each caller; try again in 12 s',
    },
  ] as const)('names what $budget counts', ({ budget, expected }) => {
    expect(rateLimitExceeded(budget, 600, 60_000, 12).message).toBe(expected);
  });

  it('never tells a caller to retry in less than a second', () => {
    expect(rateLimitExceeded('writes', 1, 1000, 0).retryAfterSeconds).toBe(1);
  });
});
