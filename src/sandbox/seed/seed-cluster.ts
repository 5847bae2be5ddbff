import type { KubeNamespace, KubePod } from '../../common/kube/kube-objects.js';
import type { StorageName } from '../api/api-resources.js';
import type { SimulatedCluster } from '../cluster/simulated-cluster.js';
import type { ChurnSource } from '../churn/pod-churn.js';
import type { KubeObject } from '../store/object-store.js';
import { namespaceObject } from './cluster-objects.js';
import { baseCluster, demoSeed } from './demo-seed.js';
import { generatedCluster } from './generated-pods.js';
import { sortSeedObjects } from './seed-objects.js';

export interface SeedOptions {
  seed?: 'demo' | 'empty' | KubeObject[];
  pods?: number;
  liveLimit?: number;
  /** Set when the generated pods will churn: the seed then answers what the churn needs. */
  churn?: unknown;
}

export interface SeededCluster {
  /** The pods the kubelet should run live. */
  pods: KubePod[];
  /** How many of them at most. */
  limit: number;
  /** With `pods` and `churn`: the generated pods not offered to the kubelet, and more like them. */
  churn?: ChurnSource;
}

/** Loads the seed; answers the pods the kubelet should run live, and what the churn works on. */
export function seedCluster(cluster: SimulatedCluster, options: SeedOptions, now: Date): SeededCluster {
  const seed = options.seed ?? 'demo';
  const liveLimit = options.liveLimit ?? 50;
  const load = (resource: StorageName, objects: Iterable<unknown>) =>
    cluster.load(resource, objects as Iterable<KubeObject>);
  const live: KubePod[] = [];
  let churn: ChurnSource | undefined;
  if (seed === 'demo') {
    const demo = demoSeed(now);
    load('namespaces', demo.namespaces);
    load('nodes', demo.nodes);
    load('pods', demo.pods);
    load('events', demo.events);
    live.push(...demo.pods);
  } else {
    const base = baseCluster(now);
    const objects = Array.isArray(seed) ? sortSeedObjects(seed) : { namespaces: [], nodes: [], pods: [], events: [] };
    const named = new Set(objects.namespaces.map((namespace) => namespace.metadata.name));
    const wanted = new Set(
      [...objects.pods, ...objects.events].map((object) => object.metadata.namespace ?? 'default'),
    );
    const implied = [...wanted].filter(
      (name) => !named.has(name) && !base.namespaces.some((namespace) => namespace.metadata.name === name),
    );
    load('namespaces', [
      ...base.namespaces.filter((namespace) => !named.has(namespace.metadata.name)),
      ...objects.namespaces,
      ...implied.map((name): KubeNamespace => namespaceObject(name, now)),
    ]);
    load('nodes', objects.nodes.length > 0 ? objects.nodes : base.nodes);
    load('pods', objects.pods);
    load('events', objects.events);
    live.push(...(objects.pods as unknown as KubePod[]));
  }
  if (options.pods && options.pods > 0) {
    const generated = generatedCluster(options.pods, now);
    const existing = new Set(cluster.list('namespaces').map((namespace) => namespace.metadata.name));
    load(
      'namespaces',
      generated.namespaces.filter((namespace) => !existing.has(namespace.metadata.name)),
    );
    load('nodes', generated.nodes);
    const sample: KubePod[] = [];
    const keys: string[] | undefined = options.churn ? [] : undefined;
    load(
      'pods',
      (function* () {
        for (const pod of generated.pods) {
          if (sample.length < liveLimit && pod.status?.phase === 'Running') sample.push(pod);
          else keys?.push(`${pod.metadata.namespace}/${pod.metadata.name}`);
          yield pod;
        }
      })(),
    );
    live.push(...sample);
    if (keys) churn = { keys, generated: options.pods, newPod: generated.newPod };
  }
  return { pods: live, limit: seed === 'demo' ? live.length : liveLimit, churn };
}
