import { Writable } from 'node:stream';
import { CoreV1Api, Exec, KubeConfig, Log, makeInformer, type V1Pod, type V1Status } from '@kubernetes/client-node';
import { FAST_TIMINGS, SandboxServer } from '../../src/sandbox/sandbox-server.js';
import { eventually } from '../helpers/eventually.js';

jest.setTimeout(30_000);

/** The path the service takes to a cluster: @kubernetes/client-node with the kubeconfig the simulator writes. */
describe.each([
  ['HTTP', false],
  ['HTTPS', true],
])('client-node against the simulator over %s', (_scheme, tls) => {
  let server: SandboxServer;
  let config: KubeConfig;

  beforeAll(async () => {
    server = await SandboxServer.start({ seed: 'empty', tls, timings: FAST_TIMINGS });
    config = new KubeConfig();
    config.loadFromString(server.kubeconfig());
    server.cluster.create('pods', {
      metadata: { name: 'web', namespace: 'default' },
      spec: { containers: [{ name: 'app', image: 'nginx:1.27.3' }] },
    });
    await eventually(() => expect(server.cluster.pod('default', 'web')?.status?.phase).toBe('Running'));
  });
  afterAll(async () => {
    await server.stop();
  });

  it('lists with the generated client', async () => {
    const list = await config.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'default' });
    expect(list.items.map((pod) => pod.metadata?.name)).toEqual(['web']);
  });

  it('feeds an informer from list and watch, and reports a dropped watch as an error', async () => {
    const core = config.makeApiClient(CoreV1Api);
    const informer = makeInformer(config, '/api/v1/namespaces/default/pods', () =>
      core.listNamespacedPod({ namespace: 'default' }),
    );
    const added: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', (pod: V1Pod) => added.push(pod.metadata?.name ?? ''));
    informer.on('error', (error) => errors.push(error));
    await informer.start();
    try {
      server.cluster.create('pods', {
        metadata: { name: 'late', namespace: 'default' },
        spec: { containers: [{ name: 'app', image: 'nginx:1.27.3' }] },
      });
      await eventually(() => expect(added).toEqual(['web', 'late']));
      await eventually(() => expect(server.stats().watches).toBe(1));
      server.faults.dropWatches();
      await eventually(() => expect(errors.length).toBeGreaterThan(0));
    } finally {
      await informer.stop();
    }
  });

  it('execs over WebSocket and reads logs', async () => {
    let output = '';
    const status = await new Promise<V1Status>((resolve, reject) => {
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          output += chunk.toString();
          done();
        },
      });
      new Exec(config).exec('default', 'web', 'app', ['echo', 'hello'], sink, null, null, false, resolve).catch(reject);
    });
    expect(status.status).toBe('Success');
    expect(output).toBe('hello\n');
    let logs = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs += chunk.toString();
        done();
      },
    });
    await new Log(config).log('default', 'web', 'app', sink, { tailLines: 1 });
    await eventually(() => expect(logs).toContain('start worker process'));
  });
});
