import type { KubePod } from '../../common/kube/kube-objects.js';
import { SimulatedCluster } from '../cluster/simulated-cluster.js';
import { TimerQueue } from '../kubelet/timer-queue.js';
import { seedCluster } from '../seed/seed-cluster.js';
import type { ChangeEvent } from '../store/object-store.js';
import { PodChurn } from './pod-churn.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const PODS = 300;

/** A scale-mode cluster of PODS generated pods (no live ones) and a churn over it, not started. */
function churnOver(seed: number) {
  const cluster = new SimulatedCluster({ clock: { now: () => NOW }, watchHistory: 100_000 });
  const seeded = seedCluster(cluster, { seed: 'empty', pods: PODS, liveLimit: 0, churn: { perSecond: 1 } }, NOW);
  const timers = new TimerQueue(() => NOW.getTime());
  const churn = new PodChurn(cluster, timers, seeded.churn!, { perSecond: 1, seed });
  const events: ChangeEvent[] = [];
  cluster.collection('pods').watch({ notify: (event) => events.push(event) });
  return { cluster, churn, events, timers };
}

/** What a change did, in terms that do not depend on random uids: the pod and what kubectl would show of it. */
function described(event: ChangeEvent): string {
  return `${event.type} ${event.object.key} ${shown(JSON.parse(event.object.json) as KubePod)}`;
}

function shown(pod: KubePod): string {
  const containers = (pod.status?.containerStatuses ?? []).map((status) => {
    const state = status.state ?? {};
    const reason = state.waiting?.reason ?? state.terminated?.reason ?? (state.running ? 'running' : '');
    return `${status.ready}/${status.restartCount}/${reason}`;
  });
  return `${pod.status?.phase} ${containers.join(',')}`;
}

function sequence(seed: number, count: number): string[] {
  const { churn, events } = churnOver(seed);
  churn.apply(count);
  return events.map(described);
}

describe(PodChurn.name, () => {
  it('makes the same changes in the same order for the same seed, and others for another seed', () => {
    const first = sequence(1, 200);
    expect(first.length).toBeGreaterThanOrEqual(190);
    expect(sequence(1, 200)).toEqual(first);
    const other = sequence(2, 200);
    expect(other.slice(0, 20)).not.toEqual(first.slice(0, 20));
  });

  it('mixes status changes, adds and deletes about 80/10/10, keeping the pod count near where it was', () => {
    const { cluster, churn, events } = churnOver(1);
    churn.apply(2000);
    const { status, added, deleted } = churn.counts;
    expect(status + added + deleted).toBeGreaterThan(1950);
    expect(status).toBeGreaterThan(1500);
    expect(status).toBeLessThan(1700);
    for (const count of [added, deleted]) {
      expect(count).toBeGreaterThan(150);
      expect(count).toBeLessThan(250);
    }
    expect(events.filter((event) => event.type === 'MODIFIED')).toHaveLength(status);
    expect(events.filter((event) => event.type === 'ADDED')).toHaveLength(added);
    expect(events.filter((event) => event.type === 'DELETED')).toHaveLength(deleted);
    expect(cluster.collection('pods').size).toBe(PODS + added - deleted);
  });

  it('changes what kubectl shows with every status change, and adds pods under names of their own', () => {
    const { cluster, churn, events } = churnOver(3);
    churn.apply(1000);
    const modified = events.filter((event) => event.type === 'MODIFIED');
    expect(modified.length).toBeGreaterThan(700);
    for (const event of modified) {
      expect(shown(JSON.parse(event.object.json) as KubePod)).not.toBe(
        shown(JSON.parse(event.previous!.json) as KubePod),
      );
      expect(event.object.rv).toBeGreaterThan(event.previous!.rv);
    }
    const added = events.filter((event) => event.type === 'ADDED');
    expect(new Set(added.map((event) => event.object.key)).size).toBe(added.length);
    for (const event of added) {
      const pod = JSON.parse(event.object.json) as KubePod;
      expect(pod.status?.phase).toBeDefined();
      expect(cluster.find('namespaces', undefined, pod.metadata.namespace ?? '')).toBeDefined();
    }
  });

  it('leaves alone the pods it did not generate or add', () => {
    const { cluster, churn, events } = churnOver(4);
    const own = cluster.create<KubePod>('pods', {
      metadata: { name: 'mine', namespace: 'shop' },
      spec: { containers: [{ name: 'app', image: 'nginx' }], nodeName: 'elsewhere' },
    });
    churn.apply(3000);
    expect(events.filter((event) => event.object.key === 'shop/mine')).toHaveLength(1);
    expect(cluster.pod('shop', 'mine')?.metadata.resourceVersion).toBe(own.metadata.resourceVersion);
  });
});
