import type { KubePod } from '../../src/common/kube/kube-objects.js';
import { describePodRow } from '../../src/pods/pod-status.js';
import { FAST_TIMINGS, SandboxServer } from '../../src/sandbox/sandbox-server.js';
import { call } from './sandbox-api-client.js';

jest.setTimeout(60_000);

type PodList = { items: KubePod[]; metadata: { continue?: string; remainingItemCount?: number } };

/** The scale mode at a size a test can afford; docs/performance.md has the numbers for 100 000 pods. */
describe('scale mode', () => {
  const COUNT = 5000;
  let server: SandboxServer;

  beforeAll(async () => {
    server = await SandboxServer.start({ seed: 'empty', pods: COUNT, liveLimit: 20, timings: FAST_TIMINGS });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('generates pods in realistic mixed states, spread over namespaces and nodes', async () => {
    const { items } = (await call<PodList>(server, '/api/v1/pods')).body;
    expect(items).toHaveLength(COUNT);
    const statuses = new Map<string, number>();
    for (const pod of items) {
      const status = describePodRow(pod).status;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect((statuses.get('Running') ?? 0) / COUNT).toBeGreaterThan(0.8);
    for (const status of ['Completed', 'CrashLoopBackOff', 'Error', 'ImagePullBackOff', 'ContainerCreating', 'Pending'])
      expect(statuses.get(status)).toBeGreaterThan(0);
    expect(new Set(items.map((pod) => pod.metadata.namespace)).size).toBeGreaterThanOrEqual(12);
    expect(new Set(items.map((pod) => pod.spec.nodeName).filter(Boolean)).size).toBeGreaterThanOrEqual(50);
  });

  it('pages through every pod exactly once', async () => {
    const names = new Set<string>();
    let token: string | undefined;
    let pages = 0;
    do {
      const page = (
        await call<PodList>(server, `/api/v1/pods?limit=700${token ? `&continue=${encodeURIComponent(token)}` : ''}`)
      ).body;
      for (const pod of page.items) names.add(`${pod.metadata.namespace}/${pod.metadata.name}`);
      token = page.metadata.continue;
      pages++;
    } while (token);
    expect(names.size).toBe(COUNT);
    expect(pages).toBe(Math.ceil(COUNT / 700));
  });

  it('serves the logs of a generated pod that never ran live', async () => {
    const running = (
      await call<PodList>(server, '/api/v1/pods?fieldSelector=status.phase%3DRunning&limit=200')
    ).body.items.find(
      (pod) =>
        pod.spec.containers.length === 1 &&
        (pod.spec.initContainers ?? []).length === 0 &&
        pod.status?.containerStatuses?.[0].ready,
    );
    expect(running).toBeDefined();
    const response = await call<string>(
      server,
      `/api/v1/namespaces/${running?.metadata.namespace}/pods/${running?.metadata.name}/log`,
    );
    expect(response.status).toBe(200);
    expect(response.body.length).toBeGreaterThan(0);
  });
});
