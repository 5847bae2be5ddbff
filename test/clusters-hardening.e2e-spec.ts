import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type ServiceProcess } from './helpers/service-process.js';

interface TimedResponse {
  status: number;
  body: { message?: string; reason?: string };
  /** From the moment the request body had been handed to the socket to the end of the answer. */
  elapsedMs: number;
}

/** An HTTP request whose `sent` resolves once its whole body is written, so a second request can follow it. */
function send(url: string, method: string, path: string, body?: unknown) {
  let markSent!: (at: number) => void;
  const sent = new Promise<number>((resolve) => (markSent = resolve));
  const answered = new Promise<TimedResponse>((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const request = httpRequest(`${url}${path}`, {
      method,
      headers: payload === undefined ? {} : { 'content-type': 'application/json' },
    });
    request.once('finish', () => markSent(Date.now()));
    request.once('error', reject);
    request.once('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.once(
        'end',
        () =>
          void sent.then((at) =>
            resolve({ status: response.statusCode ?? 0, body: JSON.parse(text), elapsedMs: Date.now() - at }),
          ),
      );
    });
    request.end(payload);
  });
  return { sent, answered };
}

/** Ten thousand anchors, each referred to once by an alias: a cheap document that is costly to resolve. */
function aliasFloodKubeconfig(): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'current-context: x', 'preferences:'];
  for (let i = 0; i < 10_000; i++) lines.push(`  a${i}: &a${i} v`);
  lines.push('extensions:');
  for (let i = 0; i < 10_000; i++) lines.push(`- *a${i}`);
  return `${lines.join('\n')}\n`;
}

describe('clusters under hostile input (e2e, service process)', () => {
  let service: ServiceProcess;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pod-api-clusters-hardening-'));
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, 'apiVersion: v1\nkind: Config\n');
    service = await startService({ KUBECONFIG: empty, SANDBOX: 'off' });
  }, 30_000);
  afterAll(async () => {
    await service?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a kubeconfig full of YAML aliases at once, while /healthz keeps answering', async () => {
    const kubeConfig = aliasFloodKubeconfig();
    expect(kubeConfig.length).toBeGreaterThan(200_000);
    const registration = send(service.url, 'POST', '/api/clusters', { name: 'aliases', kubeConfig });
    await registration.sent;
    const health = send(service.url, 'GET', '/healthz').answered;
    const [refused, healthy] = await Promise.all([registration.answered, health]);
    expect(refused).toMatchObject({
      status: 400,
      body: { reason: 'BadRequest', message: expect.stringContaining('YAML anchors or aliases') },
    });
    expect(healthy.status).toBe(200);
    expect(refused.elapsedMs).toBeLessThan(1000);
    expect(healthy.elapsedMs).toBeLessThan(1000);
  }, 30_000);
});
