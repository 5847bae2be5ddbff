/**
 * The KubeApi adapter's impersonating view against the simulator over TLS: every kind of request it makes (JSON reads,
 * lists, a watch, a delete, a log stream, the exec WebSocket) carries the impersonation headers. The witness is the
 * simulator's own authorization: it refuses impersonation to its read-only token, and applies its read-only rule to
 * impersonated read-only users and groups, naming the user it took the request for.
 */
import type { Identity } from '../src/auth/identity.js';
import { impersonationHeaders } from '../src/clusters/impersonation.js';
import { ClientNodeKubeApiFactory } from '../src/clusters/kube/client-node-kube-api.js';
import type { KubeApi } from '../src/clusters/kube/kube-api.js';
import { FAST_TIMINGS, SandboxServer } from '../src/sandbox/sandbox-server.js';
import { eventually } from './helpers/eventually.js';
import { podManifest, scriptedLogs } from './helpers/sandbox-pods.js';

jest.setTimeout(30_000);

const user = (name: string, groups: string[] = []): Identity => ({ kind: 'user', name, groups });

/** Each kind of request the adapter makes, as one call. */
const REQUESTS: { kind: string; request: (api: KubeApi, signal: AbortSignal) => Promise<unknown> }[] = [
  { kind: 'get a pod', request: (api, signal) => api.readPod('default', 'web', signal) },
  { kind: 'list pods', request: (api, signal) => api.listPods({ namespace: 'default' }, signal) },
  { kind: 'list namespaces', request: (api, signal) => api.listNamespaces({}, signal) },
  { kind: 'list core events', request: (api, signal) => api.listCoreEvents('default', {}, signal) },
  { kind: 'count pods', request: (api, signal) => api.countPods(signal) },
  { kind: 'watch pods', request: (api, signal) => api.watchPods('0', () => undefined, signal) },
  {
    kind: 'read a log',
    request: async (api, signal) => (await api.readPodLog('default', 'web', { container: 'app' }, signal)).destroy(),
  },
  {
    kind: 'open a terminal',
    request: async (api, signal) =>
      (await api.openExec('default', 'web', { container: 'app', command: ['sh'] }, signal)).close(),
  },
  { kind: 'delete a pod', request: (api, signal) => api.deletePod('default', 'absent', {}, signal) },
];

describe('ClientNodeKubeApi.impersonating against the simulator (e2e)', () => {
  let sandbox: SandboxServer;
  let admin: KubeApi;
  let viewer: KubeApi;
  const done = new AbortController();

  const apiFor = (token: string) =>
    new ClientNodeKubeApiFactory().create(
      { kind: 'kubeconfig', kubeConfig: sandbox.kubeconfig({ token }), allowInsecureHttp: false },
      {
        clusterId: 'sim',
        requestTimeoutMs: 10_000,
        connectTimeoutMs: 5000,
        maxResponseBytes: 1 << 26,
        maxWatchLineBytes: 1 << 24,
      },
    );

  beforeAll(async () => {
    sandbox = await SandboxServer.start({
      seed: 'empty',
      tls: true,
      timings: FAST_TIMINGS,
      readOnlyUsers: ['josé', 'token:auditor'],
      readOnlyGroups: ['auditors'],
    });
    sandbox.cluster.create('pods', {
      ...podManifest('web', { annotations: scriptedLogs({ app: ['hello'] }) }),
    });
    await eventually(() => expect(sandbox.cluster.pod('default', 'web')?.status?.phase).toBe('Running'), {
      timeoutMs: 10_000,
    });
    admin = apiFor(sandbox.token);
    viewer = apiFor(sandbox.readOnlyToken);
  });
  afterAll(async () => {
    done.abort();
    admin?.close();
    viewer?.close();
    await sandbox?.stop();
  });

  it.each(REQUESTS)(
    'sends the headers to $kind: refused to credentials that may not impersonate',
    async ({ request }) => {
      await expect(request(viewer.impersonating(impersonationHeaders(user('bob'))), done.signal)).rejects.toMatchObject(
        {
          status: 403,
          reason: 'Forbidden',
          message:
            'users "bob" is forbidden: User "sandbox-viewer" cannot impersonate resource "users" in API group "" at the cluster scope',
        },
      );
    },
  );

  it.each(REQUESTS.filter(({ kind }) => !['open a terminal', 'delete a pod', 'watch pods'].includes(kind)))(
    'makes $kind with the same credentials when not impersonating (the refusal above is the headers’)',
    async ({ request }) => {
      await request(viewer, done.signal);
    },
  );

  it('sends the user as its UTF-8 name and every group, one header each', async () => {
    sandbox.cluster.create('pods', podManifest('kept'));
    const asJose = admin.impersonating(impersonationHeaders(user('josé')));
    await expect(asJose.deletePod('default', 'kept', {}, done.signal)).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('User "josé" cannot delete resource "pods"') as string,
    });
    const inSecondGroup = admin.impersonating(impersonationHeaders(user('zoë', ['devs', 'auditors'])));
    await expect(inSecondGroup.deletePod('default', 'kept', {}, done.signal)).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('User "zoë" cannot delete resource "pods"') as string,
    });
    const asToken = admin.impersonating(impersonationHeaders({ kind: 'token', name: 'auditor', groups: [] }));
    await expect(asToken.deletePod('default', 'kept', {}, done.signal)).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('User "token:auditor" cannot delete resource "pods"') as string,
    });
    expect(sandbox.cluster.pod('default', 'kept')?.metadata.deletionTimestamp).toBeUndefined();
    const asBob = admin.impersonating(impersonationHeaders(user('bob', ['devs'])));
    await expect(asBob.deletePod('default', 'kept', {}, done.signal)).resolves.toBeUndefined();
    expect(sandbox.cluster.pod('default', 'kept')?.metadata.deletionTimestamp).toBeDefined();
  });

  it('opens a terminal as the impersonated user: refused to a read-only group, the process never started', async () => {
    const asAuditor = admin.impersonating(impersonationHeaders(user('carol', ['auditors'])));
    await expect(
      asAuditor.openExec('default', 'web', { container: 'app', command: ['sh'] }, done.signal),
    ).rejects.toMatchObject({
      status: 403,
      reason: 'Forbidden',
      message: expect.stringContaining('User "carol" cannot create resource "pods/exec"') as string,
    });
    expect(sandbox.stats().execSessions).toBe(0);
  });
});
