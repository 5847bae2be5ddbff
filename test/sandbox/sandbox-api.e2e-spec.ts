import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { KubePod, KubeStatus } from '../../src/common/kube/kube-objects.js';
import { FAST_TIMINGS, SandboxServer } from '../../src/sandbox/sandbox-server.js';
import { eventually } from '../helpers/eventually.js';
import { aPod } from '../helpers/pod-builder.js';
import { call, httpsGet, newPod, WatchReader } from './sandbox-api-client.js';

jest.setTimeout(30_000);

type PodList = {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: KubePod[];
};

describe('Kubernetes API simulator on the wire', () => {
  let server: SandboxServer;

  beforeAll(async () => {
    server = await SandboxServer.start({
      seed: 'empty',
      timings: { ...FAST_TIMINGS, bookmarkMs: 100 },
      readOnlyUsers: ['alice'],
      readOnlyGroups: ['auditors'],
    });
  });
  afterAll(async () => {
    await server.stop();
  });

  describe('authentication and authorization', () => {
    it.each([
      ['no token', null],
      ['a wrong token', 'not-the-token'],
    ])('answers 401 with an Unauthorized Status for %s', async (_case, token) => {
      const response = await call<KubeStatus>(server, '/api/v1/pods', { token });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    });

    it('lets the read-only token list but answers 403 with the RBAC wording when it deletes', async () => {
      await call(server, '/api/v1/namespaces/default/pods', { method: 'POST', body: newPod('guarded') });
      const list = await call<PodList>(server, '/api/v1/namespaces/default/pods', { token: server.readOnlyToken });
      expect(list.status).toBe(200);
      const removal = await call<KubeStatus>(server, '/api/v1/namespaces/default/pods/guarded', {
        method: 'DELETE',
        token: server.readOnlyToken,
      });
      expect(removal.status).toBe(403);
      expect(removal.body).toMatchObject({
        reason: 'Forbidden',
        code: 403,
        message:
          'pods "guarded" is forbidden: User "sandbox-viewer" cannot delete resource "pods" in API group "" in the namespace "default"',
        details: { name: 'guarded', kind: 'pods' },
      });
    });

    it.each([
      [
        'create',
        'POST',
        '/api/v1/namespaces/default/pods',
        newPod('x'),
        'pods is forbidden: User "sandbox-viewer" cannot create resource "pods" in API group "" in the namespace "default"',
      ],
      [
        'patch',
        'PATCH',
        '/api/v1/namespaces/default/pods/guarded',
        { metadata: { labels: { a: 'b' } } },
        'pods "guarded" is forbidden: User "sandbox-viewer" cannot patch resource "pods" in API group "" in the namespace "default"',
      ],
    ])('forbids %s to the read-only token', async (_verb, method, path, body, message) => {
      const response = await call<KubeStatus>(server, path, {
        method,
        body,
        token: server.readOnlyToken,
        contentType: 'application/merge-patch+json',
      });
      expect(response.status).toBe(403);
      expect(response.body.message).toBe(message);
    });

    it('applies the read-only rule to an impersonated read-only user, not to other impersonated users', async () => {
      const asAlice = await call<KubeStatus>(server, '/api/v1/namespaces/default/pods', {
        method: 'POST',
        body: newPod('by-alice'),
        headers: { 'Impersonate-User': 'alice' },
      });
      expect(asAlice.status).toBe(403);
      expect(asAlice.body.message).toBe(
        'pods is forbidden: User "alice" cannot create resource "pods" in API group "" in the namespace "default"',
      );
      const asBob = await call(server, '/api/v1/namespaces/default/pods', {
        method: 'POST',
        body: newPod('by-bob'),
        headers: { 'Impersonate-User': 'bob', 'Impersonate-Group': 'devs' },
      });
      expect(asBob.status).toBe(201);
    });

    it('applies the read-only rule to a user impersonated in a read-only group', async () => {
      const response = await call<KubeStatus>(server, '/api/v1/namespaces/default/pods/guarded', {
        method: 'DELETE',
        headers: { 'Impersonate-User': 'carol', 'Impersonate-Group': 'auditors' },
      });
      expect(response.status).toBe(403);
      expect(response.body.message).toContain('User "carol" cannot delete resource "pods"');
    });

    it("reads impersonated names as UTF-8, as the API server takes a header's bytes", async () => {
      const bytes = (name: string) => Buffer.from(name, 'utf8').toString('latin1'); // what fetch sends byte for byte
      const response = await call<KubeStatus>(server, '/api/v1/namespaces/default/pods/guarded', {
        method: 'DELETE',
        headers: { 'Impersonate-User': bytes('zoë'), 'Impersonate-Group': 'auditors' },
      });
      expect(response.status).toBe(403);
      expect(response.body.message).toContain('User "zoë" cannot delete resource "pods"');
    });

    it('refuses impersonation to the read-only token', async () => {
      const response = await call<KubeStatus>(server, '/api/v1/pods', {
        token: server.readOnlyToken,
        headers: { 'Impersonate-User': 'bob' },
      });
      expect(response.status).toBe(403);
      expect(response.body.message).toBe(
        'users "bob" is forbidden: User "sandbox-viewer" cannot impersonate resource "users" in API group "" at the cluster scope',
      );
    });
  });

  describe('discovery', () => {
    it('reports a current Kubernetes version', async () => {
      const { body } = await call<{ major: string; minor: string; gitVersion: string }>(server, '/version');
      expect(body).toMatchObject({ major: '1', minor: '35' });
      expect(body.gitVersion).toMatch(/^v1\.35\.\d+$/);
    });

    it('serves legacy discovery for the core group and events.k8s.io', async () => {
      expect((await call(server, '/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
      expect((await call(server, '/apis')).body).toMatchObject({
        kind: 'APIGroupList',
        groups: [{ name: 'events.k8s.io', preferredVersion: { groupVersion: 'events.k8s.io/v1' } }],
      });
      const { body } = await call<{ resources: { name: string; verbs: string[]; shortNames?: string[] }[] }>(
        server,
        '/api/v1',
      );
      expect(body.resources.find((resource) => resource.name === 'pods')).toMatchObject({
        shortNames: ['po'],
        verbs: expect.arrayContaining(['watch', 'deletecollection']),
      });
      expect(body.resources.map((resource) => resource.name)).toEqual(
        expect.arrayContaining(['pods/log', 'pods/exec', 'pods/status', 'namespaces', 'nodes', 'events']),
      );
    });

    it('answers aggregated discovery with its media type', async () => {
      const response = await call<{ kind: string; items: { versions: { resources: { resource: string }[] }[] }[] }>(
        server,
        '/api',
        {
          headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' },
        },
      );
      expect(response.headers.get('content-type')).toBe(
        'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
      );
      expect(response.body.kind).toBe('APIGroupDiscoveryList');
      expect(response.body.items[0].versions[0].resources.map((resource) => resource.resource)).toEqual(
        expect.arrayContaining(['pods', 'events', 'nodes', 'namespaces']),
      );
    });

    it('answers an unknown path with a NotFound Status', async () => {
      const response = await call<KubeStatus>(server, '/api/v1/widgets');
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({
        kind: 'Status',
        reason: 'NotFound',
        message: 'the server could not find the requested resource',
      });
    });
  });

  describe('create, get, update and patch', () => {
    it('creates a pod with the defaults and status an API server writes', async () => {
      const response = await call<KubePod>(server, '/api/v1/namespaces/default/pods', {
        method: 'POST',
        body: { ...newPod('defaults'), status: { phase: 'Running' } },
      });
      expect(response.status).toBe(201);
      const pod = response.body;
      expect(pod.metadata).toMatchObject({
        name: 'defaults',
        namespace: 'default',
        uid: expect.stringMatching(/^[0-9a-f-]{36}$/),
        resourceVersion: expect.stringMatching(/^\d+$/),
      });
      expect(pod.spec).toMatchObject({
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        terminationGracePeriodSeconds: 30,
        serviceAccountName: 'default',
      });
      expect(pod.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    });

    it('generates a name from generateName', async () => {
      const response = await call<KubePod>(server, '/api/v1/namespaces/default/pods', {
        method: 'POST',
        body: { ...newPod(''), metadata: { generateName: 'gen-' } },
      });
      expect(response.body.metadata.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    });

    it.each([
      ['an existing name', newPod('twice'), 409, 'AlreadyExists', 'pods "twice" already exists'],
      [
        'an invalid name',
        newPod('Bad_Name'),
        422,
        'Invalid',
        'Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain',
      ],
      [
        'no image',
        { ...newPod('no-image'), spec: { containers: [{ name: 'app' }] } },
        422,
        'Invalid',
        'Pod "no-image" is invalid: spec.containers[0].image: Required value',
      ],
    ])('refuses %s with the API server Status', async (_case, pod, code, reason, message) => {
      await call(server, '/api/v1/namespaces/default/pods', { method: 'POST', body: newPod('twice') });
      const response = await call<KubeStatus>(server, '/api/v1/namespaces/default/pods', { method: 'POST', body: pod });
      expect(response.status).toBe(code);
      expect(response.body).toMatchObject({ kind: 'Status', status: 'Failure', reason, code });
      expect(response.body.message).toContain(message);
    });

    it('refuses a pod in a namespace that does not exist', async () => {
      const response = await call<KubeStatus>(server, '/api/v1/namespaces/nowhere/pods', {
        method: 'POST',
        body: newPod('lost', { namespace: 'nowhere' }),
      });
      expect(response.status).toBe(404);
      expect(response.body.message).toBe('namespaces "nowhere" not found');
    });

    it('answers a missing pod with NotFound', async () => {
      const response = await call<KubeStatus>(server, '/api/v1/namespaces/default/pods/ghost');
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({
        reason: 'NotFound',
        message: 'pods "ghost" not found',
        details: { name: 'ghost', kind: 'pods' },
      });
    });

    it('rejects an update from a stale resourceVersion and keeps the version of a no-op update', async () => {
      const created = (
        await call<KubePod>(server, '/api/v1/namespaces/default/pods', {
          method: 'POST',
          body: newPod('versioned', { spec: { nodeName: 'kubelet-gone-1' } }),
        })
      ).body;
      const current = (await call<KubePod>(server, '/api/v1/namespaces/default/pods/versioned')).body;
      const same = await call<KubePod>(server, '/api/v1/namespaces/default/pods/versioned', {
        method: 'PUT',
        body: current,
      });
      expect(same.body.metadata.resourceVersion).toBe(current.metadata.resourceVersion);
      await call(server, '/api/v1/namespaces/default/pods/versioned', {
        method: 'PATCH',
        body: { metadata: { labels: { v: '2' } } },
        contentType: 'application/merge-patch+json',
      });
      const stale = await call<KubeStatus>(server, '/api/v1/namespaces/default/pods/versioned', {
        method: 'PUT',
        body: { ...created, metadata: { ...created.metadata, labels: { v: 'stale' } } },
      });
      expect(stale.status).toBe(409);
      expect(stale.body.message).toBe(
        'Operation cannot be fulfilled on pods "versioned": the object has been modified; please apply your changes to the latest version and try again',
      );
    });

    it('applies merge, strategic merge and JSON patches', async () => {
      await call(server, '/api/v1/namespaces/default/pods', {
        method: 'POST',
        body: {
          ...newPod('patched'),
          spec: {
            containers: [
              { name: 'app', image: 'nginx:1.27.3' },
              { name: 'side', image: 'busybox:1.37' },
            ],
          },
        },
      });
      const path = '/api/v1/namespaces/default/pods/patched';
      await call(server, path, {
        method: 'PATCH',
        body: { metadata: { labels: { tier: 'web' } } },
        contentType: 'application/merge-patch+json',
      });
      const strategic = await call<KubePod>(server, path, {
        method: 'PATCH',
        body: { spec: { containers: [{ name: 'side', image: 'busybox:1.38' }] } },
        contentType: 'application/strategic-merge-patch+json',
      });
      expect(strategic.status).toBe(200);
      expect(strategic.body.spec.containers.map((container) => `${container.name}=${container.image}`)).toEqual([
        'app=nginx:1.27.3',
        'side=busybox:1.38',
      ]);
      const json = await call<KubePod>(server, path, {
        method: 'PATCH',
        body: [{ op: 'add', path: '/metadata/labels/track', value: 'canary' }],
        contentType: 'application/json-patch+json',
      });
      expect(json.body.metadata.labels).toEqual({ tier: 'web', track: 'canary' });
    });

    it('refuses a change to an immutable pod field', async () => {
      await call(server, '/api/v1/namespaces/default/pods', { method: 'POST', body: newPod('immutable') });
      const response = await call<KubeStatus>(server, '/api/v1/namespaces/default/pods/immutable', {
        method: 'PATCH',
        body: { spec: { restartPolicy: 'Never' } },
        contentType: 'application/merge-patch+json',
      });
      expect(response.status).toBe(422);
      expect(response.body.message).toContain(
        'Pod "immutable" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`',
      );
    });
  });

  describe('status subresource on a node the simulator does not run', () => {
    it('keeps any status exactly as written and ignores status changes through the main resource', async () => {
      const created = (
        await call<KubePod>(server, '/api/v1/namespaces/default/pods', {
          method: 'POST',
          body: { ...newPod('external'), spec: { ...newPod('external').spec, nodeName: 'kubelet-gone-1' } },
        })
      ).body;
      const written = aPod('external').inNamespace('default').onNode('kubelet-gone-1').crashLooping(7).build();
      const response = await call<KubePod>(server, '/api/v1/namespaces/default/pods/external/status', {
        method: 'PUT',
        body: { ...created, status: written.status },
      });
      expect(response.status).toBe(200);
      const read = (await call<KubePod>(server, '/api/v1/namespaces/default/pods/external')).body;
      expect(read.status).toEqual(written.status);
      const main = await call<KubePod>(server, '/api/v1/namespaces/default/pods/external', {
        method: 'PUT',
        body: { ...read, status: { phase: 'Succeeded' } },
      });
      expect(main.body.status).toEqual(written.status);
    });

    it('accepts a merge patch of the status', async () => {
      await call(server, '/api/v1/namespaces/default/pods', {
        method: 'POST',
        body: { ...newPod('external-2'), spec: { ...newPod('x').spec, nodeName: 'kubelet-gone-1' } },
      });
      const response = await call<KubePod>(server, '/api/v1/namespaces/default/pods/external-2/status', {
        method: 'PATCH',
        body: { status: { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' } },
        contentType: 'application/merge-patch+json',
      });
      expect(response.body.status).toMatchObject({ phase: 'Failed', reason: 'Evicted' });
    });
  });

  describe('list', () => {
    let namespace: string;
    beforeAll(async () => {
      namespace = 'paging';
      await call(server, '/api/v1/namespaces', { method: 'POST', body: { metadata: { name: namespace } } });
      for (let index = 0; index < 25; index++) {
        const labels = { app: index % 2 === 0 ? 'even' : 'odd', index: String(index) };
        await call(server, `/api/v1/namespaces/${namespace}/pods`, {
          method: 'POST',
          body: newPod(`pod-${String(index).padStart(2, '0')}`, {
            namespace,
            labels,
            spec: { nodeName: index < 5 ? 'kubelet-gone-1' : 'kubelet-gone-2' },
          }),
        });
      }
    });

    it('pages with limit and continue in key order, counting what remains', async () => {
      const names: string[] = [];
      const remaining: (number | undefined)[] = [];
      let token: string | undefined;
      let firstVersion: string | undefined;
      do {
        const page = (
          await call<PodList>(
            server,
            `/api/v1/namespaces/${namespace}/pods?limit=10${token ? `&continue=${encodeURIComponent(token)}` : ''}`,
          )
        ).body;
        firstVersion ??= page.metadata.resourceVersion;
        expect(page.metadata.resourceVersion).toBe(firstVersion);
        names.push(...page.items.map((pod) => pod.metadata.name ?? ''));
        remaining.push(page.metadata.remainingItemCount);
        token = page.metadata.continue;
      } while (token);
      expect(names).toEqual(Array.from({ length: 25 }, (_, index) => `pod-${String(index).padStart(2, '0')}`));
      expect(remaining).toEqual([15, 5, undefined]);
    });

    it.each([
      ['labelSelector=app%3Deven', 13],
      ['labelSelector=app%20in%20(even,odd),index%20notin%20(1,2,3)', 22],
      ['labelSelector=!index', 0],
      ['fieldSelector=spec.nodeName%3Dkubelet-gone-1', 5],
      ['fieldSelector=spec.nodeName!%3Dkubelet-gone-1,metadata.name!%3Dpod-24', 19],
      ['fieldSelector=status.phase%3DPending&labelSelector=app%3Dodd', 12],
    ])('selects with %s', async (query, count) => {
      const page = (await call<PodList>(server, `/api/v1/namespaces/${namespace}/pods?${query}`)).body;
      expect(page.items).toHaveLength(count);
    });

    it.each([
      ['fieldSelector=spec.foo%3Dbar', 'field label not supported: spec.foo'],
      ['labelSelector=a%20in%20b', 'unable to parse requirement'],
    ])('answers 400 for %s', async (query, message) => {
      const response = await call<KubeStatus>(server, `/api/v1/pods?${query}`);
      expect(response.status).toBe(400);
      expect(response.body.reason).toBe('BadRequest');
      expect(response.body.message).toContain(message);
    });

    it('answers 410 Expired for a continue token older than the kept history', async () => {
      const page = (await call<PodList>(server, `/api/v1/namespaces/${namespace}/pods?limit=5`)).body;
      await call(server, `/api/v1/namespaces/default/pods`, {
        method: 'POST',
        body: newPod('after-page', { spec: { nodeName: 'kubelet-gone-1' } }),
      });
      server.cluster.collection('pods').compact();
      const response = await call<KubeStatus>(
        server,
        `/api/v1/namespaces/${namespace}/pods?limit=5&continue=${encodeURIComponent(page.metadata.continue ?? '')}`,
      );
      expect(response.status).toBe(410);
      expect(response.body).toMatchObject({ reason: 'Expired' });
    });

    it('answers 504 for a resourceVersion the server has not reached', async () => {
      const response = await call<KubeStatus>(
        server,
        '/api/v1/pods?resourceVersion=999999999&resourceVersionMatch=NotOlderThan',
      );
      expect(response.status).toBe(504);
      expect(response.body.message).toContain('Too large resource version');
    });

    it('lists events through events.k8s.io/v1 with the v1 field names', async () => {
      await call(server, '/api/v1/namespaces/default/events', {
        method: 'POST',
        body: {
          metadata: { name: 'manual.1' },
          involvedObject: { kind: 'Pod', name: 'only-in-events', namespace: 'default' },
          reason: 'Tested',
          message: 'a test event',
          type: 'Normal',
          count: 3,
        },
      });
      const list = (
        await call<{ kind: string; items: Record<string, unknown>[] }>(
          server,
          '/apis/events.k8s.io/v1/namespaces/default/events?fieldSelector=regarding.name%3Donly-in-events',
        )
      ).body;
      expect(list.kind).toBe('EventList');
      expect(list.items).toEqual([
        expect.objectContaining({
          apiVersion: 'events.k8s.io/v1',
          regarding: expect.objectContaining({ name: 'only-in-events' }),
          note: 'a test event',
          deprecatedCount: 3,
        }),
      ]);
    });
  });

  describe('server-side printing', () => {
    it('answers PartialObjectMetadataList for metadata-only clients', async () => {
      const response = await call<{
        kind: string;
        items: { kind: string; metadata: { name: string }; spec?: unknown }[];
      }>(server, '/api/v1/namespaces/paging/pods?limit=1', {
        headers: { accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json' },
      });
      expect(response.body.kind).toBe('PartialObjectMetadataList');
      expect(response.body.items[0]).toEqual({
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: expect.objectContaining({ name: 'pod-00' }),
      });
    });

    it('answers a pod list as a meta.k8s.io/v1 Table with kubectl’s columns', async () => {
      const response = await call<{
        kind: string;
        columnDefinitions: { name: string; priority: number }[];
        rows: { cells: unknown[]; object: { kind: string } }[];
      }>(server, '/api/v1/namespaces/paging/pods?limit=2&labelSelector=index%3D0', {
        headers: {
          accept:
            'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
        },
      });
      expect(response.headers.get('content-type')).toBe('application/json;as=Table;v=v1;g=meta.k8s.io');
      expect(response.body.kind).toBe('Table');
      expect(response.body.columnDefinitions.map((column) => `${column.name}:${column.priority}`)).toEqual([
        'Name:0',
        'Ready:0',
        'Status:0',
        'Restarts:0',
        'Age:0',
        'IP:1',
        'Node:1',
        'Nominated Node:1',
        'Readiness Gates:1',
      ]);
      const row = response.body.rows.find((candidate) => candidate.cells[0] === 'pod-00');
      expect(row?.cells).toEqual([
        'pod-00',
        '0/1',
        'Pending',
        '0',
        expect.stringMatching(/^\d+s$/),
        '<none>',
        'kubelet-gone-1',
        '<none>',
        '<none>',
      ]);
      expect(response.body.rows[0].object.kind).toBe('PartialObjectMetadata');
    });

    it('prints a single object as a one-row Table', async () => {
      const response = await call<{ kind: string; rows: { cells: unknown[] }[] }>(
        server,
        '/api/v1/namespaces/default/pods/external',
        { headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } },
      );
      expect(response.body.rows).toHaveLength(1);
      expect(response.body.rows[0].cells.slice(0, 4)).toEqual([
        'external',
        '0/1',
        'CrashLoopBackOff',
        expect.stringMatching(/^7 \(.+ ago\)$/),
      ]);
    });
  });

  describe('watch', () => {
    it('streams ADDED, MODIFIED and DELETED from a resourceVersion, in order', async () => {
      const list = (await call<PodList>(server, '/api/v1/namespaces/default/pods')).body;
      const watch = await WatchReader.open(
        server,
        `/api/v1/namespaces/default/pods?watch=1&resourceVersion=${list.metadata.resourceVersion}`,
      );
      try {
        await call(server, '/api/v1/namespaces/default/pods', {
          method: 'POST',
          body: newPod('watched', { spec: { nodeName: 'kubelet-gone-1' } }),
        });
        await call(server, '/api/v1/namespaces/default/pods/watched', {
          method: 'PATCH',
          body: { metadata: { labels: { seen: 'yes' } } },
          contentType: 'application/merge-patch+json',
        });
        await call(server, '/api/v1/namespaces/default/pods/watched?gracePeriodSeconds=0', { method: 'DELETE' });
        await eventually(() =>
          expect(watch.events.map((event) => `${event.type} ${event.object.metadata?.name}`)).toEqual([
            'ADDED watched',
            'MODIFIED watched',
            'DELETED watched',
          ]),
        );
        const versions = watch.events.map((event) => Number(event.object.metadata?.resourceVersion));
        expect([...versions].sort((a, b) => a - b)).toEqual(versions);
      } finally {
        watch.close();
      }
    });

    // SetListOptionsDefaults: with WatchList on, a watch from no resourceVersion is a watch-list.
    it('sends the current objects first when no resourceVersion is given, then the bookmark ending them when allowed', async () => {
      const watch = await WatchReader.open(
        server,
        '/api/v1/namespaces/paging/pods?watch=true&allowWatchBookmarks=true&labelSelector=app%3Deven',
      );
      try {
        await eventually(() => expect(watch.events.filter((event) => event.type === 'ADDED')).toHaveLength(13));
        await eventually(() => expect(watch.events.some((event) => event.type === 'BOOKMARK')).toBe(true));
        const bookmark = watch.events.find((event) => event.type === 'BOOKMARK');
        expect(bookmark?.object).toEqual({
          kind: 'Pod',
          apiVersion: 'v1',
          metadata: {
            resourceVersion: expect.stringMatching(/^\d+$/),
            creationTimestamp: null,
            annotations: { 'k8s.io/initial-events-end': 'true' },
          },
        });
      } finally {
        watch.close();
      }
    });

    it('turns a relabel out of the selector into DELETED', async () => {
      await call(server, '/api/v1/namespaces/default/pods', {
        method: 'POST',
        body: newPod('relabeled', { labels: { role: 'cache' }, spec: { nodeName: 'kubelet-gone-1' } }),
      });
      const rv = (await call<PodList>(server, '/api/v1/pods?limit=1')).body.metadata.resourceVersion;
      const watch = await WatchReader.open(
        server,
        `/api/v1/namespaces/default/pods?watch=1&labelSelector=role%3Dcache&resourceVersion=${rv}`,
      );
      try {
        await call(server, '/api/v1/namespaces/default/pods/relabeled', {
          method: 'PATCH',
          body: { metadata: { labels: { role: 'db' } } },
          contentType: 'application/merge-patch+json',
        });
        await eventually(() => expect(watch.events.map((event) => event.type)).toEqual(['DELETED']));
      } finally {
        watch.close();
      }
    });

    it('answers a resourceVersion older than the kept history with an ERROR event carrying 410 Expired', async () => {
      const old = (await call<PodList>(server, '/api/v1/pods?limit=1')).body.metadata.resourceVersion;
      await call(server, '/api/v1/namespaces/default/pods', {
        method: 'POST',
        body: newPod('compacted', { spec: { nodeName: 'kubelet-gone-1' } }),
      });
      server.cluster.collection('pods').compact();
      const watch = await WatchReader.open(server, `/api/v1/pods?watch=1&resourceVersion=${old}`);
      expect(watch.status).toBe(200);
      await eventually(() => expect(watch.ended).toBe(true));
      expect(watch.events).toEqual([
        {
          type: 'ERROR',
          object: expect.objectContaining({
            kind: 'Status',
            code: 410,
            reason: 'Expired',
            message: expect.stringMatching(/^too old resource version: \d+ \(\d+\)$/),
          }),
        },
      ]);
    });

    it('accepts a watch from a resourceVersion past its state, silent until its state passes it (the watch cache)', async () => {
      const current = Number((await call<PodList>(server, '/api/v1/pods?limit=1')).body.metadata.resourceVersion);
      const ahead = current + 10;
      const query = 'watch=1&allowWatchBookmarks=true&labelSelector=wave%3Dahead';
      const early = await WatchReader.open(server, `/api/v1/namespaces/default/pods?${query}&resourceVersion=${ahead}`);
      const witness = await WatchReader.open(
        server,
        `/api/v1/namespaces/default/pods?${query}&resourceVersion=${current}`,
      );
      try {
        expect(early.status).toBe(200);
        const created: KubePod[] = [];
        const create = async () => {
          const pod = newPod(`ahead-${created.length}`, {
            labels: { wave: 'ahead' },
            spec: { nodeName: 'kubelet-gone-1' },
          });
          created.push(
            (await call<KubePod>(server, '/api/v1/namespaces/default/pods', { method: 'POST', body: pod })).body,
          );
        };
        const versionOf = (pod: { metadata?: { resourceVersion?: string } }) => Number(pod.metadata?.resourceVersion);
        for (let i = 0; i < 3; i++) await create();
        expect(versionOf(created[2])).toBeLessThanOrEqual(ahead);
        // The witness sees those pods and two bookmarks; the early watch in the same time sees nothing at all.
        await eventually(() => {
          expect(witness.events.filter((event) => event.type === 'ADDED')).toHaveLength(3);
          expect(witness.events.filter((event) => event.type === 'BOOKMARK').length).toBeGreaterThanOrEqual(2);
        });
        expect(early.events).toEqual([]);
        while (versionOf(created[created.length - 1]) <= ahead) await create();
        const passed = created.filter((pod) => versionOf(pod) > ahead).map((pod) => `ADDED ${pod.metadata.name}`);
        await eventually(() =>
          expect(
            early.events
              .filter((event) => event.type === 'ADDED')
              .map((event) => `ADDED ${event.object.metadata?.name}`),
          ).toEqual(passed),
        );
        expect(early.events.every((event) => event.type === 'ADDED' || versionOf(event.object) >= ahead)).toBe(true);
      } finally {
        early.close();
        witness.close();
      }
    });

    it('refuses a watch-list (sendInitialEvents) from a resourceVersion past its state: ERROR 504 Too large resource version', async () => {
      const current = Number((await call<PodList>(server, '/api/v1/pods?limit=1')).body.metadata.resourceVersion);
      const watch = await WatchReader.open(
        server,
        `/api/v1/pods?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion=${current + 1000}`,
      );
      expect(watch.status).toBe(200);
      await eventually(() => expect(watch.ended).toBe(true));
      expect(watch.events).toEqual([
        {
          type: 'ERROR',
          object: {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: expect.stringMatching(
              new RegExp(`^Timeout: Too large resource version: ${current + 1000}, current: \\d+$`),
            ),
            reason: 'Timeout',
            details: {
              causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
              retryAfterSeconds: 1,
            },
            code: 504,
          },
        },
      ]);
    });

    it('sends initial events then a bookmark marking their end, for sendInitialEvents', async () => {
      const watch = await WatchReader.open(
        server,
        '/api/v1/namespaces/paging/pods?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=&allowWatchBookmarks=true&labelSelector=app%3Dodd',
      );
      try {
        await eventually(() => expect(watch.events.some((event) => event.type === 'BOOKMARK')).toBe(true));
        const bookmark = watch.events.findIndex((event) => event.type === 'BOOKMARK');
        expect(bookmark).toBe(12);
        expect(watch.events[bookmark].object).toMatchObject({
          metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } },
        });
      } finally {
        watch.close();
      }
    });

    it('streams Tables for kubectl get -w: column definitions on the first event only', async () => {
      const rv = (await call<PodList>(server, '/api/v1/pods?limit=1')).body.metadata.resourceVersion;
      const watch = await WatchReader.open(server, `/api/v1/namespaces/default/pods?watch=1&resourceVersion=${rv}`, {
        headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
      });
      try {
        await call(server, '/api/v1/namespaces/default/pods', {
          method: 'POST',
          body: newPod('tabled', { spec: { nodeName: 'kubelet-gone-1' } }),
        });
        await call(server, '/api/v1/namespaces/default/pods/tabled', {
          method: 'PATCH',
          body: { metadata: { labels: { a: 'b' } } },
          contentType: 'application/merge-patch+json',
        });
        await eventually(() => expect(watch.events).toHaveLength(2));
        const [first, second] = watch.events as unknown as {
          object: { kind: string; columnDefinitions: unknown[] | null; rows: { cells: unknown[] }[] };
        }[];
        expect(first.object.kind).toBe('Table');
        expect(first.object.columnDefinitions).toHaveLength(9);
        expect(second.object.columnDefinitions).toBeNull();
        expect(second.object.rows[0].cells[0]).toBe('tabled');
      } finally {
        watch.close();
      }
    });

    it('ends a watch after timeoutSeconds', async () => {
      const watch = await WatchReader.open(server, '/api/v1/namespaces/default/pods?watch=1&timeoutSeconds=1');
      await eventually(() => expect(watch.ended).toBe(true), { timeoutMs: 4000 });
      expect(watch.error).toBeUndefined();
    });
  });

  describe('namespaces', () => {
    it('terminates a namespace: Terminating, no new content, its pods deleted, then gone', async () => {
      await call(server, '/api/v1/namespaces', { method: 'POST', body: { metadata: { name: 'doomed' } } });
      await call(server, '/api/v1/namespaces/doomed/pods', {
        method: 'POST',
        body: newPod('resident', { namespace: 'doomed', spec: { nodeName: 'kubelet-gone-1' } }),
      });
      const deleted = await call<{ status: { phase: string } }>(server, '/api/v1/namespaces/doomed', {
        method: 'DELETE',
      });
      expect(deleted.body.status.phase).toBe('Terminating');
      const refused = await call<KubeStatus>(server, '/api/v1/namespaces/doomed/pods', {
        method: 'POST',
        body: newPod('latecomer', { namespace: 'doomed' }),
      });
      expect(refused.status).toBe(403);
      expect(refused.body.message).toBe(
        'pods "latecomer" is forbidden: unable to create new content in namespace doomed because it is being terminated',
      );
      // The resident is on a node nobody runs: it waits for its grace period, as it would on a real cluster.
      await call(server, '/api/v1/namespaces/doomed/pods/resident?gracePeriodSeconds=0', { method: 'DELETE' });
      expect((await call(server, '/api/v1/namespaces/doomed')).status).toBe(404);
    });

    it('refuses to delete a system namespace', async () => {
      const response = await call<KubeStatus>(server, '/api/v1/namespaces/kube-system', { method: 'DELETE' });
      expect(response.status).toBe(403);
      expect(response.body.message).toBe('namespaces "kube-system" is forbidden: this namespace may not be deleted');
    });
  });

  describe('delete', () => {
    it('deletes a collection by label', async () => {
      for (const name of ['sweep-1', 'sweep-2', 'keep-1']) {
        await call(server, '/api/v1/namespaces/default/pods', {
          method: 'POST',
          body: newPod(name, {
            labels: { sweep: name.startsWith('sweep') ? 'yes' : 'no' },
            spec: { nodeName: 'kubelet-gone-1' },
          }),
        });
      }
      const response = await call<PodList>(
        server,
        '/api/v1/namespaces/default/pods?labelSelector=sweep%3Dyes&gracePeriodSeconds=0',
        { method: 'DELETE' },
      );
      expect(response.body.items.map((pod) => pod.metadata.name)).toEqual(['sweep-1', 'sweep-2']);
      const left = (await call<PodList>(server, '/api/v1/namespaces/default/pods?labelSelector=sweep')).body.items.map(
        (pod) => pod.metadata.name,
      );
      expect(left).toEqual(['keep-1']);
    });

    it('deletes an unscheduled pod at once whatever grace period is asked', async () => {
      await call(server, '/api/v1/namespaces/default/pods', {
        method: 'POST',
        body: newPod('gated', { spec: { schedulingGates: [{ name: 'example.com/hold' }] } }),
      });
      const response = await call<KubePod>(server, '/api/v1/namespaces/default/pods/gated?gracePeriodSeconds=60', {
        method: 'DELETE',
      });
      expect(response.status).toBe(200);
      expect((await call(server, '/api/v1/namespaces/default/pods/gated')).status).toBe(404);
    });

    it('deletes a pod in a terminal phase at once', async () => {
      await call(server, '/api/v1/namespaces/default/pods', {
        method: 'POST',
        body: newPod('finished', { spec: { nodeName: 'kubelet-gone-1' } }),
      });
      await call(server, '/api/v1/namespaces/default/pods/finished/status', {
        method: 'PATCH',
        body: { status: { phase: 'Succeeded' } },
        contentType: 'application/merge-patch+json',
      });
      await call(server, '/api/v1/namespaces/default/pods/finished', { method: 'DELETE' });
      expect((await call(server, '/api/v1/namespaces/default/pods/finished')).status).toBe(404);
    });

    it('keeps a pod on a node nobody runs Terminating until the grace period is forced', async () => {
      await call(server, '/api/v1/namespaces/default/pods', {
        method: 'POST',
        body: newPod('orphan', { spec: { nodeName: 'kubelet-gone-1' } }),
      });
      const graceful = await call<KubePod>(server, '/api/v1/namespaces/default/pods/orphan', {
        method: 'DELETE',
        body: { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 30 },
      });
      expect(graceful.body.metadata).toMatchObject({
        deletionGracePeriodSeconds: 30,
        deletionTimestamp: expect.any(String),
      });
      expect((await call(server, '/api/v1/namespaces/default/pods/orphan')).status).toBe(200);
      await call(server, '/api/v1/namespaces/default/pods/orphan', {
        method: 'DELETE',
        body: { gracePeriodSeconds: 0 },
      });
      expect((await call(server, '/api/v1/namespaces/default/pods/orphan')).status).toBe(404);
    });

    it('honours a uid precondition', async () => {
      await call(server, '/api/v1/namespaces/default/pods', {
        method: 'POST',
        body: newPod('precondition', { spec: { nodeName: 'kubelet-gone-1' } }),
      });
      const response = await call<KubeStatus>(server, '/api/v1/namespaces/default/pods/precondition', {
        method: 'DELETE',
        body: { preconditions: { uid: 'someone-else' } },
      });
      expect(response.status).toBe(409);
      expect(response.body.message).toContain('Precondition failed: UID in precondition: someone-else');
    });
  });

  describe('faults', () => {
    afterEach(() => server.faults.clear());

    it('answers the next requests with 429 and Retry-After, then recovers', async () => {
      server.faults.failNext({ status: 429, count: 2, path: '/api/v1/namespaces/default/pods', verb: 'list' });
      const statuses = [];
      for (let attempt = 0; attempt < 3; attempt++)
        statuses.push((await call(server, '/api/v1/namespaces/default/pods')).status);
      expect(statuses).toEqual([429, 429, 200]);
      server.faults.failNext({ status: 429 });
      const throttled = await call<KubeStatus>(server, '/api/v1/nodes');
      expect(throttled.headers.get('retry-after')).toBe('1');
      expect(throttled.body).toMatchObject({ reason: 'TooManyRequests', code: 429, details: { retryAfterSeconds: 1 } });
    });

    it('fails only matching requests with 500 at a rate', async () => {
      server.faults.failRate({ status: 500, rate: 1, path: '/api/v1/nodes' });
      expect((await call<KubeStatus>(server, '/api/v1/nodes')).body).toMatchObject({
        code: 500,
        reason: 'InternalError',
      });
      expect((await call(server, '/api/v1/namespaces')).status).toBe(200);
    });

    it('adds latency', async () => {
      server.faults.setLatency(150);
      const started = Date.now();
      await call(server, '/version');
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });

    it('cuts open watches and counts them in the stats', async () => {
      const watch = await WatchReader.open(server, '/api/v1/namespaces/default/pods?watch=1&resourceVersion=0');
      await eventually(async () =>
        expect((await call<{ watches: number }>(server, '/sandbox/stats')).body.watches).toBe(1),
      );
      expect(server.faults.dropWatches()).toBe(1);
      await eventually(() => expect(watch.ended).toBe(true));
      expect(watch.error).toBeDefined();
      expect(server.stats().watches).toBe(0);
    });

    it('is driven over HTTP at /sandbox/faults, with the same authentication', async () => {
      const set = await call(server, '/sandbox/faults', {
        method: 'POST',
        body: { failNext: { status: 500, count: 1, verb: 'get' } },
      });
      expect(set.body).toMatchObject({ failNext: [{ status: 500, count: 1, verb: 'get' }] });
      expect((await call(server, '/api/v1/namespaces/default')).status).toBe(500);
      expect((await call(server, '/api/v1/namespaces/default')).status).toBe(200);
      expect(
        (
          await call(server, '/sandbox/faults', {
            method: 'POST',
            token: server.readOnlyToken,
            body: { latencyMs: 10 },
          })
        ).status,
      ).toBe(403);
      expect((await call(server, '/sandbox/faults', { token: null })).status).toBe(401);
      await call(server, '/sandbox/faults', { method: 'POST', body: { latencyMs: 5, stallLogs: true } });
      expect((await call(server, '/sandbox/faults', { method: 'DELETE' })).body).toEqual({
        failNext: [],
        stallLogs: false,
      });
    });
  });
});

describe('Kubernetes API simulator seeded with objects', () => {
  let server: SandboxServer;
  const external = aPod('written').inNamespace('team').onNode('kubelet-gone-1').crashLooping(4).build();

  beforeAll(async () => {
    server = await SandboxServer.start({
      seed: [
        { apiVersion: 'v1', kind: 'Pod', metadata: external.metadata, spec: external.spec, status: external.status },
        {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: 'written.1', namespace: 'team' },
          involvedObject: { kind: 'Pod', name: 'written', namespace: 'team' },
          reason: 'Seeded',
          message: 'from the seed',
        },
      ],
      timings: FAST_TIMINGS,
    });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('loads pods as they are, status included, and creates the namespaces they name', async () => {
    const pod = (await call<KubePod>(server, '/api/v1/namespaces/team/pods/written')).body;
    expect(pod.status).toEqual(external.status);
    expect((await call(server, '/api/v1/namespaces/team')).status).toBe(200);
    const events = (await call<{ items: { reason: string }[] }>(server, '/api/v1/namespaces/team/events')).body.items;
    expect(events.map((event) => event.reason)).toEqual(['Seeded']);
    expect((await call<{ items: unknown[] }>(server, '/api/v1/nodes')).body.items).toHaveLength(4);
  });

  it('writes no log lines at /sandbox/logs for a pod whose node no simulated kubelet runs', async () => {
    const response = await call<KubeStatus>(server, '/sandbox/logs', {
      method: 'POST',
      body: { namespace: 'team', pod: 'written', lines: 1 },
    });
    expect(response.status).toBe(409);
    expect(response.body.message).toBe(
      'pod "written" is not run by a simulated kubelet (its node is not simulated, or it is past the --live pods)',
    );
  });
});

describe('Kubernetes API simulator over TLS', () => {
  let server: SandboxServer;
  beforeAll(async () => {
    server = await SandboxServer.start({ seed: 'empty', tls: true, timings: FAST_TIMINGS });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('serves HTTPS with a certificate its CA signed, and writes that CA into the kubeconfig', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const response = await httpsGet(`${server.url}/version`, server.token, server.caPem);
    expect(response.status).toBe(200);
    const kubeconfig = parseYaml(server.kubeconfig({ contextName: 'test' })) as {
      clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
      users: { user: { token: string } }[];
      'current-context': string;
    };
    expect(kubeconfig['current-context']).toBe('test');
    expect(kubeconfig.clusters[0].cluster.server).toBe(server.url);
    expect(Buffer.from(kubeconfig.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(
      server.caPem,
    );
    expect(kubeconfig.users[0].user.token).toBe(server.token);
  });

  it('is refused by a client that does not trust its CA', async () => {
    await expect(httpsGet(`${server.url}/version`, server.token)).rejects.toThrow(
      /self-signed|unable to verify|certificate/i,
    );
  });
});

describe('standalone command', () => {
  it('starts, writes a kubeconfig, prints one ready line and stops on SIGTERM', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'sandbox-cli-'));
    const kubeconfigPath = join(folder, 'kubeconfig.yaml');
    const root = resolve(__dirname, '..', '..');
    const child = spawn(
      process.execPath,
      [
        '--experimental-transform-types',
        '--no-warnings',
        '--import',
        './src/sandbox/cli/ts-hooks.mjs',
        'src/sandbox/main.ts',
        '--port',
        '0',
        '--kubeconfig',
        kubeconfigPath,
        '--pods',
        '120',
        '--tls',
        '--seed',
        'empty',
      ],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolveExit) => child.once('close', (code) => resolveExit(code)));
    try {
      await eventually(() => expect(stdout).toContain('\n'), { timeoutMs: 20_000 });
      const ready = JSON.parse(stdout.split('\n')[0]) as {
        event: string;
        url: string;
        kubeconfig: string;
        pods: number;
      };
      expect(ready).toMatchObject({ event: 'sandbox.ready', kubeconfig: kubeconfigPath, pods: 120 });
      const kubeconfig = parseYaml(await readFile(kubeconfigPath, 'utf8')) as {
        clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
        users: { user: { token: string } }[];
      };
      expect(kubeconfig.clusters[0].cluster.server).toBe(ready.url);
      const ca = Buffer.from(kubeconfig.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
      const pods = await httpsGet(`${ready.url}/api/v1/pods`, kubeconfig.users[0].user.token, ca);
      expect((JSON.parse(pods.body) as PodList).items).toHaveLength(120);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout).toContain('"event":"sandbox.stopped"');
      await expect(httpsGet(`${ready.url}/version`, kubeconfig.users[0].user.token, ca)).rejects.toThrow(
        /ECONNREFUSED/,
      );
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`${String(error)}\nstdout: ${stdout}\nstderr: ${stderr}`, { cause: error });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
