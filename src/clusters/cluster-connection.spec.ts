import { FakeKubeApi } from '../../test/fakes/fake-kube-api.js';
import { aPod } from '../../test/helpers/pod-builder.js';
import { ANONYMOUS, type Identity } from '../auth/identity.js';
import { ApiError } from '../common/errors/api-error.js';
import { ClusterConnection, type CallOptions } from './cluster-connection.js';
import type { ClusterEntry } from './cluster-entry.js';

const ALICE: Identity = { kind: 'user', name: 'alice', groups: ['sre', 'dev'] };

function connectionTo(kube: FakeKubeApi, impersonate: boolean): ClusterConnection {
  const entry: ClusterEntry = {
    id: 'prod',
    name: 'prod',
    description: null,
    apiServer: null,
    source: 'api',
    access: {} as ClusterEntry['access'],
    readOnly: false,
    impersonate,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
  return new ClusterConnection(entry, kube, {
    healthTtlMs: 60_000,
    unreachableHoldMs: 1000,
    watchIdleTimeoutMs: 60_000,
  });
}

describe(ClusterConnection.name, () => {
  describe('call()', () => {
    const deleted = { method: 'deletePod', args: ['shop', 'web-0', {}] };

    it.each<{ label: string; impersonate: boolean; caller: CallOptions['caller']; calls: unknown[] }>([
      {
        label: 'a caller on a cluster that impersonates: as the caller',
        impersonate: true,
        caller: ALICE,
        calls: [
          { method: 'impersonating', args: [{ 'Impersonate-User': 'alice', 'Impersonate-Group': ['sre', 'dev'] }] },
          deleted,
        ],
      },
      {
        label: 'the anonymous caller on a cluster that impersonates: as Kubernetes’ anonymous user',
        impersonate: true,
        caller: ANONYMOUS,
        calls: [
          {
            method: 'impersonating',
            args: [{ 'Impersonate-User': 'system:anonymous', 'Impersonate-Group': ['system:unauthenticated'] }],
          },
          deleted,
        ],
      },
      {
        label: 'the service on a cluster that impersonates: with its own credentials',
        impersonate: true,
        caller: 'service',
        calls: [deleted],
      },
      {
        label: 'a caller on a cluster that does not impersonate: with the credentials',
        impersonate: false,
        caller: ALICE,
        calls: [deleted],
      },
    ])('makes a request for $label', async ({ impersonate, caller, calls }) => {
      const kube = new FakeKubeApi().withPods(aPod('web-0').inNamespace('shop').build());
      const connection = connectionTo(kube, impersonate);
      await connection.call((api) => api.deletePod('shop', 'web-0', {}), { caller });
      expect(kube.calls).toEqual(calls);
    });

    it('refuses a caller whose name no header can carry, without reaching the cluster', async () => {
      const kube = new FakeKubeApi().withPods(aPod('web-0').inNamespace('shop').build());
      const connection = connectionTo(kube, true);
      const smuggler: Identity = { kind: 'user', name: 'alice\r\nImpersonate-Group: system:masters', groups: [] };
      await expect(
        connection.call((api) => api.deletePod('shop', 'web-0', {}), { caller: smuggler }),
      ).rejects.toMatchObject({ status: 403, reason: 'Forbidden' });
      expect(kube.calls).toEqual([]);
    });

    it('says when the cluster does not let the service impersonate, naming the cluster and keeping its message', async () => {
      const kube = new FakeKubeApi();
      const refusal =
        'users "alice" is forbidden: User "system:serviceaccount:pod-api:pod-api" cannot impersonate resource "users" in API group "" at the cluster scope';
      kube.deletePod = () => Promise.reject(new ApiError(403, 'Forbidden', refusal));
      await expect(
        connectionTo(kube, true).call((api) => api.deletePod('shop', 'web-0', {}), { caller: ALICE }),
      ).rejects.toEqual(
        new ApiError(
          403,
          'Forbidden',
          `cluster "prod" impersonates its callers, but does not allow the service to impersonate this one (grant its credentials "impersonate" on users and groups): ${refusal}`,
        ),
      );
    });

    it("passes on the impersonated caller's own 403 as it is", async () => {
      const kube = new FakeKubeApi();
      const refusal = new ApiError(
        403,
        'Forbidden',
        'pods "web-0" is forbidden: User "alice" cannot delete resource "pods"',
      );
      kube.deletePod = () => Promise.reject(refusal);
      await expect(
        connectionTo(kube, true).call((api) => api.deletePod('shop', 'web-0', {}), { caller: ALICE }),
      ).rejects.toBe(refusal);
    });
  });

  it('probes and fills its pod cache with its own credentials on a cluster that impersonates', async () => {
    const kube = new FakeKubeApi().withPods(aPod('web-0').inNamespace('shop').build());
    const connection = connectionTo(kube, true);
    await expect(connection.probe(1000)).resolves.toMatchObject({ status: 'connected' });
    await expect(connection.pods.waitForSync(1000)).resolves.toBe(true);
    expect(kube.calls.map((call) => call.method)).not.toContain('impersonating');
    expect(kube.calls.map((call) => call.method)).toContain('listPods');
    await connection.close();
  });
});
