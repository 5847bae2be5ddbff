import { CLUSTER_ID_PATTERN } from '../common/kube/names.js';
import { clusterIdFor, registeredClusterId } from './cluster-ids.js';

describe(clusterIdFor.name, () => {
  it.each([
    { name: 'kind-kind', expected: 'kind-kind' },
    { name: 'prod-eu', expected: 'prod-eu' },
    { name: '1', expected: '1' },
    { name: 'Prod', expected: /^prod-[0-9a-f]{6}$/ },
    {
      name: 'arn:aws:eks:eu-west-1:123456789012:cluster/prod',
      expected: /^arn-aws-eks-eu-west-1-123456789012-cluster-prod-[0-9a-f]{6}$/,
    },
    {
      name: 'gke_my-project_europe-west1_my-cluster',
      expected: /^gke-my-project-europe-west1-my-cluster-[0-9a-f]{6}$/,
    },
    { name: 'admin@minikube', expected: /^admin-minikube-[0-9a-f]{6}$/ },
    { name: '!!!', expected: /^[0-9a-f]{6}$/ },
    { name: 'x'.repeat(100), expected: /^x{56}-[0-9a-f]{6}$/ },
  ])('$name → $expected', ({ name, expected }) => {
    const id = clusterIdFor(name, new Set());
    if (typeof expected === 'string') expect(id).toBe(expected);
    else expect(id).toMatch(expected);
    expect(id).toMatch(CLUSTER_ID_PATTERN);
  });

  it('is stable: the same name always gives the same id', () => {
    expect(clusterIdFor('Prod', new Set())).toBe(clusterIdFor('Prod', new Set()));
  });

  it('keeps names that clean up alike apart', () => {
    const first = clusterIdFor('Prod', new Set());
    const second = clusterIdFor('prod!', new Set([first]));
    expect(second).not.toBe(first);
    expect(second).toMatch(CLUSTER_ID_PATTERN);
  });

  it('does not reuse a taken id', () => {
    expect(clusterIdFor('prod', new Set(['prod']))).toMatch(/^prod-[0-9a-f]{6}$/);
  });
});

describe(registeredClusterId.name, () => {
  it.each([
    { name: 'Production EU', taken: [], expected: 'production-eu' },
    { name: 'prod', taken: ['prod'], expected: /^prod-[0-9a-f]{6}$/ },
    { name: '生产', taken: [], expected: /^[0-9a-f]{6}$/ },
  ])('$name with $taken taken → $expected', ({ name, taken, expected }) => {
    const id = registeredClusterId(name, new Set(taken));
    if (typeof expected === 'string') expect(id).toBe(expected);
    else expect(id).toMatch(expected);
  });
});
