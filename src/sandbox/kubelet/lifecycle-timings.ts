/** How long the simulated scheduler and kubelet take for each step of a pod's life. */
export interface LifecycleTimings {
  /** Pending → bound to a node. */
  scheduleMs: number;
  /** Bound → pod sandbox ready (pod IP assigned). */
  sandboxMs: number;
  /** Pulling an image that is not on the node yet. */
  pullMs: number;
  /** Created → started. */
  startMs: number;
  /** Started → ready, for containers with a readiness probe (others are ready when started). */
  readyMs: number;
  /** How long an init container runs before it completes (unless its script says otherwise). */
  initRunMs: number;
  /** First crash-loop back-off (the kubelet's 10 s); it doubles per restart up to `maxBackOffMs`. */
  backOffMs: number;
  maxBackOffMs: number;
  /** How long containers take to stop after SIGTERM (bounded by the pod's grace period). */
  terminationMs: number;
  /** Periodic log lines of pods without a log script; 0 turns them off. */
  defaultLogEveryMs: number;
  /** Watch bookmarks, for watches that allow them. */
  bookmarkMs: number;
}

/** A pace close to a real cluster's, for the sandbox a newcomer tries. */
export const DEFAULT_TIMINGS: LifecycleTimings = {
  scheduleMs: 30,
  sandboxMs: 400,
  pullMs: 1500,
  startMs: 250,
  readyMs: 1000,
  initRunMs: 1500,
  backOffMs: 10_000,
  maxBackOffMs: 300_000,
  terminationMs: 1000,
  defaultLogEveryMs: 5000,
  bookmarkMs: 60_000,
};

/** Everything in a few milliseconds, for tests. */
export const FAST_TIMINGS: LifecycleTimings = {
  scheduleMs: 1,
  sandboxMs: 5,
  pullMs: 10,
  startMs: 5,
  readyMs: 10,
  initRunMs: 10,
  backOffMs: 50,
  maxBackOffMs: 400,
  terminationMs: 20,
  defaultLogEveryMs: 0,
  bookmarkMs: 500,
};
