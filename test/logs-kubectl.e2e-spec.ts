import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { FAST_TIMINGS, SandboxServer } from '../src/sandbox/sandbox-server.js';
import { baseUrl, createTestApp } from './helpers/create-test-app.js';
import { eventually } from './helpers/eventually.js';
import { Kubectl } from './helpers/kubectl.js';
import { podManifest, scriptedLogs } from './helpers/sandbox-pods.js';

jest.setTimeout(60_000);

const CLUSTER = 'kubectl';

const lines = (container: string, text: string[]) => scriptedLogs({ [container]: text });

/**
 * The REST log text and the download against what the pinned kubectl (1.35) prints for the same pod and flags, both
 * reading the same simulator over HTTPS (kubectl sends its token only over TLS).
 */
describe('pod logs over REST, as kubectl logs prints them (e2e)', () => {
  let server: SandboxServer;
  let folder: string;
  let kubectl: Kubectl;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    server = await SandboxServer.start({ tls: true, seed: 'empty', timings: FAST_TIMINGS });
    folder = await mkdtemp(join(tmpdir(), 'pod-api-logs-kubectl-'));
    const kubeconfig = join(folder, 'kubeconfig');
    await writeFile(kubeconfig, server.kubeconfig({ contextName: CLUSTER }));
    kubectl = await Kubectl.create(kubeconfig);
    app = await createTestApp({ env: { KUBECONFIG: kubeconfig } });
    url = baseUrl(app);

    server.cluster.create(
      'pods',
      podManifest('multi', {
        initContainers: ['setup'],
        containers: ['app', 'proxy'],
        annotations: {
          'kubectl.kubernetes.io/default-container': 'proxy',
          ...lines('setup', ['migrating schema', 'done']),
          ...lines('app', ['starting', 'héllo wörld 🚀 漢字', 'a line from Windows\r', '', '  indented', 'ready']),
          ...lines('proxy', ['proxy listening on :8443']),
        },
      }),
    );
    server.cluster.create(
      'pods',
      podManifest('plain', { containers: ['main', 'sidecar'], annotations: lines('main', ['main up']) }),
    );
    server.cluster.create('pods', podManifest('timed', { annotations: lines('app', ['first']) }));
    server.cluster.create(
      'pods',
      podManifest('restarts', {
        annotations: { ...lines('app', ['run begins', 'run ends']), 'sandbox.podapi.dev/exit-after-ms': '20' },
      }),
    );
    await eventually(
      () => {
        expect(['multi', 'plain', 'timed'].map((name) => server.cluster.pod('default', name)?.status?.phase)).toEqual([
          'Running',
          'Running',
          'Running',
        ]);
        expect(
          server.cluster.pod('default', 'restarts')?.status?.containerStatuses?.[0].lastState?.terminated,
        ).toBeDefined();
      },
      { timeoutMs: 10_000 },
    );
    // Lines at fixed times, after the start line, so that --since-time has something on either side.
    const uid = server.cluster.pod('default', 'timed')?.metadata.uid ?? '';
    for (const [at, line] of [
      ['2030-01-01T00:00:01Z', 'one'],
      ['2030-01-01T00:00:02Z', 'two'],
      ['2030-01-01T00:00:03.500Z', 'three'],
      ['2030-01-01T00:00:04Z', 'four'],
    ]) {
      server.logs.append({ podUid: uid, container: 'app', restartCount: 0 }, line, new Date(at));
    }
  });
  afterAll(async () => {
    await app?.close();
    await kubectl?.dispose();
    await server?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  async function kubectlLogs(args: string[]): Promise<string> {
    const result = await kubectl.run(['logs', ...args]);
    if (result.code !== 0) throw new Error(`kubectl logs ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return result.stdout;
  }

  const logsPath = (pod: string, query: string, suffix = '') =>
    `/api/clusters/${CLUSTER}/namespaces/default/pods/${pod}/logs${suffix}${query ? `?${query}` : ''}`;

  it.each([
    { label: 'the annotated default container', pod: 'multi', args: [], query: '', container: 'proxy' },
    { label: 'the first container', pod: 'plain', args: [], query: '', container: 'main' },
    { label: '-c', pod: 'multi', args: ['-c', 'app'], query: 'container=app', container: 'app' },
    { label: 'an init container', pod: 'multi', args: ['-c', 'setup'], query: 'container=setup', container: 'setup' },
    { label: '--tail', pod: 'multi', args: ['-c', 'app', '--tail', '3'], query: 'container=app&tailLines=3' },
    { label: '--tail=0', pod: 'multi', args: ['-c', 'app', '--tail=0'], query: 'container=app&tailLines=0' },
    {
      label: '--timestamps',
      pod: 'multi',
      args: ['-c', 'app', '--timestamps'],
      query: 'container=app&timestamps=true',
    },
    {
      label: '--since-time',
      pod: 'timed',
      args: ['--since-time', '2030-01-01T00:00:02Z'],
      query: 'sinceTime=2030-01-01T00:00:02Z',
    },
    {
      label: '--since-time with a fraction (whole seconds count)',
      pod: 'timed',
      args: ['--since-time', '2030-01-01T00:00:03.900Z'],
      query: 'sinceTime=2030-01-01T00:00:03.900Z',
    },
    {
      label: '--since-time with an offset',
      pod: 'timed',
      args: ['--since-time', '2030-01-01T02:00:02+02:00'],
      query: `sinceTime=${encodeURIComponent('2030-01-01T02:00:02+02:00')}`,
    },
    { label: '--since', pod: 'multi', args: ['-c', 'app', '--since', '1h'], query: 'container=app&sinceSeconds=3600' },
    {
      label: '--tail with --timestamps',
      pod: 'timed',
      args: ['--tail', '2', '--timestamps'],
      query: 'tailLines=2&timestamps=true',
    },
    {
      label: '--limit-bytes inside a line',
      pod: 'multi',
      args: ['-c', 'app', '--limit-bytes', '12'],
      query: 'container=app&limitBytes=12',
    },
    { label: '--previous after a restart', pod: 'restarts', args: ['--previous'], query: 'previous=true' },
  ])('$label: the text kubectl prints', async ({ pod, args, query, container }) => {
    const expected = await kubectlLogs([pod, ...args]);
    if (!args.includes('--tail=0')) expect(expected).not.toBe(''); // a comparison of two empty texts proves little

    const { data } = (await request(url).get(logsPath(pod, query)).expect(200)).body;
    expect(data.logs).toBe(expected);
    if (container) expect(data.container).toBe(container);
    expect(data.truncated).toBe(false);

    const download = await fetch(`${url}${logsPath(pod, query, '/download')}`);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe(expected);
  });

  it('--limit-bytes inside a character: the download has kubectl’s bytes, the text stops before the character', async () => {
    // "starting\n" is 9 bytes, "h" the 10th, "é" the 11th and 12th.
    const result = await kubectl.run(['logs', 'multi', '-c', 'app', '--limit-bytes', '11']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('starting\nh\ufffd');

    const { data } = (await request(url).get(logsPath('multi', 'container=app&limitBytes=11')).expect(200)).body;
    expect(data.logs).toBe('starting\nh');
    const download = await fetch(`${url}${logsPath('multi', 'container=app&limitBytes=11', '/download')}`);
    expect(await download.text()).toBe(result.stdout);
  });

  it('--previous without a previous instance: the same error as kubectl', async () => {
    const result = await kubectl.run(['logs', 'plain', '--previous']);
    expect(result.code).toBe(1);
    const response = await request(url).get(logsPath('plain', 'previous=true')).expect(400);
    expect(result.stderr.split('\n')).toContain(`Error from server (BadRequest): ${response.body.message}`);
  });
});
