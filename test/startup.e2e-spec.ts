import WebSocket from 'ws';
import { runServiceToExit, startService, type ServiceProcess } from './helpers/service-process.js';

// Each test starts the built service as a process of its own: a few seconds on an idle machine, more on a busy one.
jest.setTimeout(30_000);

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

  it("logs a client's oversize WebSocket frame as one line without a stack", async () => {
    service = await startService({ SANDBOX: 'off' });
    for (let attempt = 0; attempt < 3; attempt++) {
      const socket = new WebSocket(`${service.url.replace('http', 'ws')}/ws/clusters/nowhere/pods/watch`);
      await new Promise<void>((resolve) => socket.once('open', () => resolve()));
      const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
      socket.send('x'.repeat(2 * 1024 * 1024));
      await expect(closed).resolves.toBe(1009); // Message Too Big
    }
    const isFrameError = (record: { message?: unknown }) =>
      (record.message as { event?: string })?.event === 'ws.client.error';
    await service.waitForLine(isFrameError);
    const lines = service
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { message?: unknown; level?: string });
    expect(lines.filter(isFrameError)).toHaveLength(3);
    expect(lines.find(isFrameError)).toMatchObject({ level: 'warn', message: { detail: 'Max payload size exceeded' } });
    expect(service.output()).not.toMatch(/"stack"|\n\s+at /);
  });

  it('refuses to start with a wrong setting, naming it but not its value', async () => {
    const { code, output } = await runServiceToExit({ PORT: 'eighty', ENCRYPTION_KEY: 'short-secret-value' });
    expect(code).toBe(1);
    expect(output).toContain('PORT: must be an integer number');
    expect(output).toContain('ENCRYPTION_KEY: must be at least 32 characters');
    expect(output).not.toContain('eighty');
    expect(output).not.toContain('short-secret-value');
  });

  it('refuses to start without authentication on an address other than loopback', async () => {
    const { code, output } = await runServiceToExit({ HOST: '0.0.0.0', AUTH_MODE: 'none' });
    expect(code).toBe(1);
    expect(output).toContain('AUTH_MODE: none (no authentication) is only allowed while HOST is a loopback address');
  });
});
