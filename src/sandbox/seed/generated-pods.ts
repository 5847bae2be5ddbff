import type { KubeNamespace, KubeNode, KubePod } from '../../common/kube/kube-objects.js';
import { namespaceObject, nodeObject } from './cluster-objects.js';
import { podObject, withStatus, type PodState } from './pod-templates.js';
import { mulberry32 } from '../../common/mulberry32.js';

export interface GeneratedCluster {
  namespaces: KubeNamespace[];
  nodes: KubeNode[];
  /** Produced lazily: the scale mode loads them one by one into the store. */
  pods: Iterable<KubePod>;
  /**
   * One more pod of the same kinds and states, created moments before `now`, placed as pod number `index` would be
   * (what the churn adds; indices from `count` on do not repeat the generated names).
   */
  newPod(index: number, now: Date, random: () => number): KubePod;
}

const DAY = 86_400_000;
const TEAMS = [
  'shop',
  'payments',
  'search',
  'identity',
  'media',
  'ads',
  'logistics',
  'analytics',
  'notifications',
  'billing',
  'catalog',
  'support',
];
const APPS = [
  { name: 'api', image: 'ghcr.io/podapi-demo/api-server:2.4.1', port: 8080 },
  { name: 'web', image: 'nginx:1.27.3', port: 80 },
  { name: 'worker', image: 'ghcr.io/podapi-demo/queue-worker:1.8.0', port: 9090 },
  { name: 'cache', image: 'redis:7.4.1', port: 6379 },
  { name: 'gateway', image: 'envoyproxy/envoy:v1.32.1', port: 8443 },
  { name: 'db', image: 'postgres:16.4', port: 5432 },
];
const SUFFIX = 'bcdfghjklmnpqrstvwxz2456789';

/** The share of pods in each state: mostly Running, with the failures a large cluster always has somewhere. */
const STATES: [PodState, number][] = [
  ['Running', 0.86],
  ['Completed', 0.05],
  ['CrashLoopBackOff', 0.02],
  ['NotReady', 0.015],
  ['Error', 0.015],
  ['ImagePullBackOff', 0.01],
  ['ContainerCreating', 0.01],
  ['OOMKilled', 0.005],
  ['Init', 0.005],
  ['Unschedulable', 0.005],
];

/**
 * `count` pods in realistic mixed states, spread over namespaces (about 400 pods each) and worker nodes (about 100
 * each), owned by Deployments, StatefulSets and Jobs, deterministic for a given `seed`. The pods are written in
 * their final-looking states: loading them starts no timer.
 */
export function generatedCluster(count: number, now: Date, seed = 1): GeneratedCluster {
  const random = mulberry32(seed);
  const namespaceCount = clamp(Math.ceil(count / 400), 3, 500);
  const nodeCount = clamp(Math.ceil(count / 100), 3, 2000);
  const born = new Date(now.getTime() - 30 * DAY);
  const namespaces = Array.from({ length: namespaceCount }, (_, index) => {
    const team = TEAMS[index % TEAMS.length];
    const name = index < TEAMS.length ? team : `${team}-${Math.floor(index / TEAMS.length) + 1}`;
    return namespaceObject(name, new Date(born.getTime() + index * 60_000), { team });
  });
  const nodes = Array.from({ length: nodeCount }, (_, index) =>
    nodeObject(
      { name: `scale-node-${String(index + 1).padStart(4, '0')}`, index: index + 4, zone: `zone-${'abc'[index % 3]}` },
      born,
    ),
  );
  function* pods(): Iterable<KubePod> {
    for (let index = 0; index < count; index++) yield generatePod(index, namespaces, nodes, now, random, false);
  }
  return {
    namespaces,
    nodes,
    pods: pods(),
    newPod: (index, at, next) => generatePod(index, namespaces, nodes, at, next, true),
  };
}

function generatePod(
  index: number,
  namespaces: KubeNamespace[],
  nodes: KubeNode[],
  now: Date,
  random: () => number,
  fresh: boolean,
): KubePod {
  const namespace = namespaces[index % namespaces.length].metadata.name ?? 'default';
  const app = APPS[Math.floor(random() * APPS.length)];
  const state = pickState(random());
  const nodeIndex = Math.floor(random() * nodes.length);
  const node = nodes[nodeIndex];
  const group = Math.floor(index / namespaces.length);
  const workload = `${app.name}-${group % 50}`;
  const job = state === 'Completed' || state === 'Error';
  const stateful = app.name === 'db' || app.name === 'cache';
  const hash = hex(random, 10);
  const name = job
    ? `${workload}-job-${29034720 + group}-${suffix(random)}`
    : stateful
      ? `${workload}-${Math.floor(group / 50)}`
      : `${workload}-${hash}-${suffix(random)}`;
  const age = random();
  const ageMs = fresh ? Math.floor(age * 10_000) + 5_000 : Math.floor(age * 20 * DAY) + 60_000;
  const pod = podObject({
    namespace,
    name,
    labels: job
      ? { 'job-name': workload, 'batch.kubernetes.io/job-name': workload }
      : { app: workload, ...(stateful ? {} : { 'pod-template-hash': hash }), tier: app.name },
    owner: job
      ? { kind: 'Job', name: workload }
      : stateful
        ? { kind: 'StatefulSet', name: workload }
        : { kind: 'ReplicaSet', name: `${workload}-${hash}` },
    containers: [
      {
        name: app.name,
        image: app.image,
        ports: [app.port],
        requests: { cpu: '100m', memory: '128Mi' },
        limits: { memory: '256Mi' },
      },
    ],
    ...(app.name === 'worker' && index % 7 === 0 ? { initContainers: [{ name: 'migrate', image: app.image }] } : {}),
    restartPolicy: job ? 'Never' : 'Always',
    ...(state === 'Unschedulable'
      ? { nodeSelector: { 'node.kubernetes.io/instance-type': 'p4d.24xlarge' } }
      : { nodeName: node.metadata.name }),
    createdAt: new Date(now.getTime() - ageMs),
  });
  const restarts =
    state === 'CrashLoopBackOff'
      ? 5 + Math.floor(random() * 200)
      : state === 'OOMKilled'
        ? 1 + Math.floor(random() * 10)
        : random() < 0.08
          ? 1 + Math.floor(random() * 3)
          : 0;
  return withStatus(pod, effectiveState(state, pod), {
    now,
    restarts,
    lastRestartAt: new Date(now.getTime() - Math.floor(random() * Math.min(ageMs, DAY))),
    hostIP: node.status?.addresses?.[0]?.address,
    podIP: `10.${100 + (nodeIndex >> 8)}.${nodeIndex & 255}.${2 + (index % 250)}`,
    message: `0/${nodes.length} nodes are available: ${nodes.length} node(s) didn't match Pod's node affinity/selector. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`,
  });
}

function effectiveState(state: PodState, pod: KubePod): PodState {
  if (state === 'Init' && (pod.spec.initContainers ?? []).length === 0) return 'ContainerCreating';
  return state;
}

function pickState(value: number): PodState {
  let sum = 0;
  for (const [state, share] of STATES) {
    sum += share;
    if (value < sum) return state;
  }
  return 'Running';
}

function suffix(random: () => number): string {
  let text = '';
  for (let index = 0; index < 5; index++) text += SUFFIX[Math.floor(random() * SUFFIX.length)];
  return text;
}

function hex(random: () => number, length: number): string {
  let text = '';
  for (let index = 0; index < length; index++) text += Math.floor(random() * 16).toString(16);
  return text;
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}
