import type { KubePod } from '../../common/kube/kube-objects.js';
import { mulberry32 } from '../../common/mulberry32.js';
import type { SimulatedCluster } from '../cluster/simulated-cluster.js';
import { KubeStatusError } from '../kube-status-error.js';
import type { TimerQueue } from '../kubelet/timer-queue.js';
import { withStatus, type PodState } from '../seed/pod-templates.js';
import type { KubeObject } from '../store/object-store.js';

export interface ChurnOptions {
  /** Changes per second, from 0 (none) to MAX_CHURN_PER_SECOND; fractions allowed. */
  perSecond: number;
  /** The seed of the change sequence (default 1): the same seed and pods give the same changes in the same order. */
  seed?: number;
}

/** The changes made so far (`GET /sandbox/stats`, `churn`). */
export interface ChurnCounts {
  status: number;
  added: number;
  deleted: number;
}

/** What the churn works on: the generated pods no kubelet runs, and a way to make more of them. */
export interface ChurnSource {
  /** `namespace/name` of each generated pod the simulated kubelet was not asked to run. */
  keys: string[];
  /** How many pods were generated: added pods are numbered on from here. */
  generated: number;
  newPod(index: number, now: Date, random: () => number): KubePod;
}

export const MAX_CHURN_PER_SECOND = 100_000;
export const TICK_MS = 10;
/** A stalled simulator makes up at most this much of its backlog; the rest is skipped, not piled up. */
const MAX_CATCH_UP_MS = 100;
/** The mix of changes: a running cluster mostly changes status, and adds about as many pods as it deletes. */
export const CHURN_MIX = { status: 0.8, added: 0.1, deleted: 0.1 } as const;
/** The states a status change moves a pod to (long-running pods; a pod that crashes or is OOM-killed restarts). */
const STATUS_STATES: [PodState, number][] = [
  ['Running', 0.5],
  ['NotReady', 0.2],
  ['CrashLoopBackOff', 0.15],
  ['OOMKilled', 0.05],
  ['ImagePullBackOff', 0.05],
  ['ContainerCreating', 0.05],
];
/** Draws of another pod when the one drawn cannot take the change (gone, a Job's, unscheduled). */
const ATTEMPTS = 8;

/**
 * The scale mode's churn: status changes, added and deleted pods at a steady rate, from a seeded sequence, written
 * through the cluster's registry so that watches see MODIFIED, ADDED and DELETED with new resourceVersions. It works
 * only on the pods it owns (the generated ones no kubelet runs, and those it added), so no simulated controller
 * writes over it and the sequence depends only on the seed and the generated pods.
 */
export class PodChurn {
  private readonly random: () => number;
  private readonly keys: string[];
  private readonly made: ChurnCounts = { status: 0, added: 0, deleted: 0 };
  private steps = 0;
  private since = 0;
  private stopped = false;

  constructor(
    private readonly cluster: SimulatedCluster,
    private readonly timers: TimerQueue,
    private readonly source: ChurnSource,
    private readonly options: ChurnOptions,
  ) {
    this.random = mulberry32(options.seed ?? 1);
    this.keys = [...source.keys];
  }

  /** The changes made so far. */
  get counts(): ChurnCounts {
    return { ...this.made };
  }

  /** Makes `perSecond` changes a second, a batch every TICK_MS, until stopped. */
  start(): void {
    if (this.options.perSecond <= 0) return;
    this.since = this.now();
    this.timers.schedule(TICK_MS, () => this.tick());
  }

  stop(): void {
    this.stopped = true;
  }

  /** Makes the next `count` changes of the sequence now. */
  apply(count: number): void {
    for (let index = 0; index < count; index++) {
      this.steps++;
      const draw = this.random();
      if (this.keys.length > 0 && draw < CHURN_MIX.status) this.changeStatus();
      else if (this.keys.length > 0 && draw >= CHURN_MIX.status + CHURN_MIX.added) this.deletePod();
      else this.addPod();
    }
  }

  private tick(): void {
    if (this.stopped) return;
    const perSecond = this.options.perSecond;
    let due = Math.floor(((this.now() - this.since) * perSecond) / 1000) - this.steps;
    const most = Math.ceil((perSecond * MAX_CATCH_UP_MS) / 1000);
    if (due > most) {
      this.since += ((due - most) * 1000) / perSecond;
      due = most;
    }
    this.apply(due);
    this.timers.schedule(TICK_MS, () => this.tick());
  }

  private changeStatus(): void {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const picked = this.pick();
      if (!picked) return;
      const { pod } = picked;
      if (pod.spec.restartPolicy !== 'Always' || !pod.spec.nodeName) continue;
      const before = shownStatus(pod);
      const state = pickWeighted(STATUS_STATES, this.random());
      const restarts = pod.status?.containerStatuses?.[0]?.restartCount ?? 0;
      const restarted = state === 'CrashLoopBackOff' || state === 'OOMKilled';
      let next = this.withState(pod, state, restarted ? restarts + 1 : restarts, restarted);
      // The state it already had: the pod comes up instead, or restarts when it was up already.
      if (shownStatus(next) === before)
        next =
          state === 'Running'
            ? this.withState(pod, 'Running', restarts + 1, true)
            : this.withState(pod, 'Running', restarts, false);
      const written = this.write(() =>
        this.cluster.update('pods', next as unknown as KubeObject, { subresource: 'status' }),
      );
      if (written && written.metadata.resourceVersion !== pod.metadata.resourceVersion) this.made.status++;
      return;
    }
  }

  private addPod(): void {
    const now = this.cluster.clock.now();
    const pod = this.source.newPod(this.source.generated + this.made.added, now, this.random);
    const namespace = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    if (this.cluster.find('pods', namespace, name)) pod.metadata.name = `${name}-${this.made.added.toString(36)}`;
    if (this.write(() => this.cluster.createAsIs('pods', pod as unknown as KubeObject))) {
      this.keys.push(`${namespace}/${pod.metadata.name}`);
      this.made.added++;
    }
  }

  private deletePod(): void {
    const picked = this.pick();
    if (!picked) return;
    this.forget(picked.index);
    const { namespace = '', name = '' } = picked.pod.metadata;
    if (this.write(() => this.cluster.delete('pods', namespace, name, { gracePeriodSeconds: 0 }))) this.made.deleted++;
  }

  /** A pod of the churn's own, still there and not being deleted; forgets the ones that are gone. */
  private pick(): { index: number; pod: KubePod } | undefined {
    while (this.keys.length > 0) {
      const index = Math.floor(this.random() * this.keys.length);
      const [namespace, name] = this.keys[index].split('/');
      const pod = this.cluster.pod(namespace, name);
      if (pod && !pod.metadata.deletionTimestamp) return { index, pod };
      this.forget(index);
    }
    return undefined;
  }

  private forget(index: number): void {
    const last = this.keys.pop()!;
    if (index < this.keys.length) this.keys[index] = last;
  }

  private withState(pod: KubePod, state: PodState, restarts: number, restartedNow: boolean): KubePod {
    const now = this.cluster.clock.now();
    const finished = pod.status?.containerStatuses?.[0]?.lastState?.terminated?.finishedAt;
    // withStatus replaces the status of the pod it is given: a shallow copy keeps `pod` as it was.
    return withStatus({ ...pod }, state, {
      now,
      restarts,
      lastRestartAt: restartedNow || !finished ? now : new Date(finished),
      hostIP: pod.status?.hostIP,
      podIP: pod.status?.podIP,
    });
  }

  /** Runs a write; a refusal (the namespace is going away, the name was taken meanwhile) skips the change. */
  private write<T>(run: () => T): T | undefined {
    try {
      return run();
    } catch (error) {
      if (error instanceof KubeStatusError) return undefined;
      throw error;
    }
  }

  private now(): number {
    return this.cluster.clock.now().getTime();
  }
}

/** What kubectl's READY, STATUS and RESTARTS columns are made of. */
function shownStatus(pod: KubePod): string {
  const containers = (pod.status?.containerStatuses ?? []).map((status) => {
    const state = status.state ?? {};
    const reason = state.waiting?.reason ?? state.terminated?.reason ?? (state.running ? 'running' : '');
    return `${status.ready}/${status.restartCount}/${reason}`;
  });
  return `${pod.status?.phase ?? ''} ${containers.join(',')}`;
}

function pickWeighted<T>(choices: [T, number][], value: number): T {
  let sum = 0;
  for (const [choice, share] of choices) {
    sum += share;
    if (value < sum) return choice;
  }
  return choices[0][0];
}
