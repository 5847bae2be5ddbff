import { runServiceToExit, startService, type ServiceProcess } from './helpers/service-process.js';

describe('service process (e2e)', () => {
  let service: ServiceProcess | undefined;
  afterEach(async () => {
    await service?.stop('SIGKILL');
    service = undefined;
  });

  it('starts, answers, logs JSON lines and stops cleanly on SIGTERM', async () => {
    service = await startService({ LOG_LEVEL: 'debug' });
    const response = await fetch(`${service.url}/healthz`, { headers: { 'X-Request-Id': 'startup-probe-1' } });
    expect(await response.json()).toEqual({ code: 200, message: 'success', data: { status: 'ok' } });
    const requestLine = await service.waitForLine(
      (record) => (record.message as { event?: string })?.event === 'http.request',
    );
    for (const line of service.output().trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    expect(requestLine).toMatchObject({
      level: 'debug',
      requestId: 'startup-probe-1',
      message: { route: '/healthz', status: 200 },
    });
    const code = await service.stop('SIGTERM');
    service = undefined;
    expect(code).toBe(0);
  });

  it('refuses to start with a wrong setting, naming it but not its value', async () => {
    const { code, output } = await runServiceToExit({ PORT: 'eighty', ENCRYPTION_KEY: 'short-secret-value' });
    expect(code).toBe(1);
    expect(output).toContain('PORT: must be an integer number');
    expect(output).toContain('ENCRYPTION_KEY: must be at least 32 characters');
    expect(output).not.toContain('eighty');
    expect(output).not.toContain('short-secret-value');
  });
});
