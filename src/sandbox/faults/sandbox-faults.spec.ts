import { SandboxFaults } from './sandbox-faults.js';

describe(SandboxFaults.name, () => {
  let dropped = 0;
  let stalled = false;
  const faults = new SandboxFaults(
    {
      dropWatches: () => ++dropped,
      setLogsStalled: (value) => (stalled = value),
    },
    () => 0.5,
  );
  afterEach(() => faults.clear());

  const list = { method: 'GET', path: '/api/v1/namespaces/shop/pods', verb: 'list' };
  const get = { method: 'GET', path: '/api/v1/namespaces/shop/pods/web-0', verb: 'get' };

  it('fails the next matching requests only, then recovers', () => {
    faults.failNext({ status: 500, count: 2, verb: 'list' });
    expect(faults.failureFor(get)).toBeUndefined();
    expect(faults.failureFor(list)?.error.status.code).toBe(500);
    expect(faults.failureFor(list)?.error.status.code).toBe(500);
    expect(faults.failureFor(list)).toBeUndefined();
  });

  it.each([
    ['/api/v1/namespaces/shop', true],
    ['/api/v1/namespaces/*/pods/*', true],
    ['/api/v1/nodes', false],
  ])('matches paths by prefix or glob: %s → %s', (path, matches) => {
    faults.failNext({ status: 429, path, count: 1 });
    expect(faults.failureFor(get) !== undefined).toBe(matches);
  });

  it('answers 429 with Retry-After', () => {
    faults.failNext({ status: 429, retryAfterSeconds: 3 });
    const failure = faults.failureFor(get);
    expect(failure?.headers).toEqual({ 'Retry-After': '3' });
    expect(failure?.error.status).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 3 } });
  });

  it('fails a share of requests', () => {
    faults.failRate({ status: 503, rate: 0.6 });
    expect(faults.failureFor(get)?.error.status.code).toBe(503);
    faults.failRate({ status: 503, rate: 0.4 });
    expect(faults.failureFor(get)).toBeUndefined();
  });

  it('takes the latency as a property too', () => {
    faults.latency = 40;
    expect(faults.latency).toEqual({ ms: 40 });
    expect(faults.delayFor(list)).toBe(40);
    faults.latency = 0;
    expect(faults.latency).toBeUndefined();
  });

  it('delays matching requests, with jitter', () => {
    faults.setLatency({ ms: 100, jitterMs: 50, verb: 'get' });
    expect(faults.delayFor(get)).toBe(125);
    expect(faults.delayFor(list)).toBe(0);
  });

  it('drops watches and stalls logs through its hooks, and clears everything', () => {
    expect(faults.dropWatches()).toBe(dropped);
    faults.stallLogs(true);
    expect(stalled).toBe(true);
    faults.clear();
    expect(stalled).toBe(false);
    expect(faults.state()).toEqual({ failNext: [], stallLogs: false });
  });
});
