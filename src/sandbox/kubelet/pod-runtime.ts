import { createHash, randomBytes } from 'node:crypto';
import type { KubeContainer, KubeContainerStatus, KubePod } from '../../common/kube/kube-objects.js';
import { formatTime } from '../clock.js';
import type { EventInput } from '../cluster/event-recorder.js';
import type { ContainerInstance } from '../containers/container-log-store.js';
import { periodicLine } from '../containers/log-script.js';
import type { TimerHandle } from './timer-queue.js';
import { readContainerScript, type ContainerScript } from './container-script.js';
import { imageLogs, type ImageLogs, type LogContext } from './image-logs.js';
import type { KubeletHost } from './kubelet-host.js';
import {
  buildPodStatus,
  normalizeImage,
  terminatedState,
  type ContainerRun,
  type PodRun,
} from './pod-status-builder.js';

interface ContainerRuntime extends ContainerRun {
  spec: KubeContainer;
  script: ContainerScript;
  profile: ImageLogs;
  /** Timers of this container's current instance (exit, periodic logs, readiness). */
  timers: Set<TimerHandle>;
  logTick: number;
  /** Permanently done (no restart will follow). */
  done: boolean;
  /** For init containers: what follows a successful completion. */
  onCompleted?: () => void;
}

/**
 * One pod on one of the simulated nodes, as its kubelet runs it: sandbox, image pulls, init containers in order,
 * sidecars, containers that log, exit per their script, restart per the restart policy with the kubelet's
 * crash-loop back-off (10 s doubling to 5 min), graceful termination on delete. Every step writes the pod's status
 * through the `status` subresource and records the events the kubelet records.
 */
export class PodRuntime {
  readonly uid: string;
  private readonly run: PodRun;
  private readonly init: ContainerRuntime[];
  private readonly containers: ContainerRuntime[];
  private readonly podTimers = new Set<TimerHandle>();
  private terminating = false;
  private disposed = false;
  private periodicLogging = false;

  constructor(
    private readonly host: KubeletHost,
    private pod: KubePod,
    readonly node: string,
  ) {
    this.uid = pod.metadata.uid ?? '';
    const now = formatTime(host.clock.now());
    this.run = {
      hostIP: host.hostIP(node),
      startTime: pod.status?.startTime ?? now,
      sandboxReady: false,
      init: [],
      containers: [],
      terminal: false,
    };
    this.init = (pod.spec.initContainers ?? []).map((spec) =>
      this.newContainer(spec, spec.restartPolicy === 'Always' ? 'sidecar' : 'init'),
    );
    this.containers = pod.spec.containers.map((spec) => this.newContainer(spec, 'regular'));
    this.run.init = this.init;
    this.run.containers = this.containers;
  }

  get key(): { namespace: string; name: string } {
    return { namespace: this.pod.metadata.namespace ?? '', name: this.pod.metadata.name ?? '' };
  }

  /** A new pod: sandbox, then init containers, then containers. */
  start(): void {
    const waitingReason = this.init.length > 0 ? 'PodInitializing' : 'ContainerCreating';
    for (const container of this.init) container.state = { waiting: { reason: 'PodInitializing' } };
    for (const container of this.containers) container.state = { waiting: { reason: waitingReason } };
    this.writeStatus();
    this.after(this.host.timings.sandboxMs, () => {
      this.run.sandboxReady = true;
      this.run.podIP = this.host.allocatePodIP(this.node);
      this.writeStatus();
      this.runInit(0);
    });
  }

  /**
   * Takes over a pod loaded with a status (the demo seed, a seed file): its containers go on from the state the
   * status shows — running ones keep logging and follow their script, crash-looping ones restart after their
   * back-off, finished ones stay finished.
   */
  adopt(): void {
    const status = this.pod.status ?? {};
    this.restore();
    this.ensureLogs();
    const all = [...this.init, ...this.containers];
    if (
      !status.podIP ||
      all.some(
        (container) =>
          container.state.waiting?.reason === 'PodInitializing' ||
          container.state.waiting?.reason === 'ContainerCreating',
      )
    ) {
      this.run.sandboxReady = true;
      this.run.podIP ??= this.host.allocatePodIP(this.node);
      this.runInit(0);
      return;
    }
    for (const container of all) {
      if (container.state.running) this.resumeRunning(container);
      else if (container.state.waiting?.reason === 'CrashLoopBackOff') {
        const finishedAt =
          Date.parse(container.lastState.terminated?.finishedAt ?? '') || this.host.clock.now().getTime();
        const remaining = Math.max(
          0,
          finishedAt + this.backOff(container.restartCount) - this.host.clock.now().getTime(),
        );
        this.afterFor(container, remaining, () => this.restart(container));
      } else if (
        container.state.waiting?.reason === 'ImagePullBackOff' ||
        container.state.waiting?.reason === 'ErrImagePull'
      ) {
        this.afterFor(container, this.host.timings.backOffMs, () => this.startContainer(container, () => undefined));
      } else if (container.state.terminated) {
        container.done = !this.shouldRestart(container, container.state.terminated.exitCode);
        if (!container.done)
          this.afterFor(container, this.backOff(container.restartCount + 1), () => this.restart(container));
      }
    }
  }

  /** Reads the containers' state from the pod's status, without acting on it. */
  restore(): void {
    const status = this.pod.status ?? {};
    this.run.podIP = status.podIP;
    this.run.sandboxReady = Boolean(status.podIP);
    const restore = (container: ContainerRuntime, saved: KubeContainerStatus | undefined) => {
      if (!saved) return;
      container.state = saved.state ?? {};
      container.lastState = saved.lastState ?? {};
      container.restartCount = saved.restartCount ?? 0;
      container.ready = saved.ready ?? false;
      container.started = saved.started ?? Boolean(saved.state?.running);
      container.containerID = saved.containerID;
      container.imageID = saved.imageID || undefined;
    };
    for (const container of this.init)
      restore(
        container,
        status.initContainerStatuses?.find((saved) => saved.name === container.name),
      );
    for (const container of this.containers)
      restore(
        container,
        status.containerStatuses?.find((saved) => saved.name === container.name),
      );
  }

  /** Writes the start-up lines of every container that ran, when the log store has none (pods loaded as they are). */
  ensureLogs(): void {
    for (const container of [...this.init, ...this.containers]) {
      const current = container.state.running ?? container.state.terminated;
      if (current?.startedAt && !this.host.logs.has(this.instance(container))) {
        this.writeStartLogs(container, new Date(Date.parse(current.startedAt)));
        if (container.state.terminated)
          this.writeExitLogs(
            container,
            container.state.terminated.exitCode,
            new Date(Date.parse(container.state.terminated.finishedAt ?? current.startedAt)),
          );
      }
      const last = container.lastState.terminated;
      const previous = {
        ...this.instance(container),
        restartCount: container.state.waiting ? container.restartCount : container.restartCount - 1,
      };
      if (last?.startedAt && previous.restartCount >= 0 && !this.host.logs.has(previous)) {
        const profileContext = this.context(container);
        for (const line of container.script.scripted
          ? container.script.logs.startLines
          : container.profile.start(new Date(Date.parse(last.startedAt)), profileContext)) {
          this.host.logs.append(previous, line, new Date(Date.parse(last.startedAt)));
        }
        for (const line of container.profile.exit(
          last.exitCode,
          new Date(Date.parse(last.finishedAt ?? last.startedAt)),
          profileContext,
        )) {
          this.host.logs.append(previous, line, new Date(Date.parse(last.finishedAt ?? last.startedAt)));
        }
        this.host.logs.end(previous);
      }
    }
  }

  /** deletionTimestamp was set: stop the containers within the grace period, then remove the pod. */
  terminate(gracePeriodSeconds: number): void {
    if (this.terminating || this.disposed) return;
    this.terminating = true;
    this.cancelAll();
    const graceMs = Math.max(0, gracePeriodSeconds * 1000);
    const stopMs = Math.min(graceMs, this.host.timings.terminationMs);
    const killed = graceMs < this.host.timings.terminationMs;
    for (const container of [...this.containers, ...this.init]) {
      if (container.state.running)
        this.event(container, { type: 'Normal', reason: 'Killing', message: `Stopping container ${container.name}` });
    }
    this.after(stopMs, () => {
      const now = this.host.clock.now();
      for (const container of [...this.containers, ...this.init]) {
        if (container.state.running) {
          const exitCode = killed ? 137 : 0;
          if (!killed) this.writeExitLogs(container, 0, now);
          container.state = {
            terminated: terminatedState(
              exitCode,
              container.state.running.startedAt ?? formatTime(now),
              formatTime(now),
              container.containerID,
            ),
          };
          this.host.logs.end(this.instance(container));
          this.host.containerStopped(this.uid, container.name);
        } else if (container.state.waiting) {
          container.state = {
            terminated: terminatedState(
              container.lastState.terminated?.exitCode ?? 0,
              formatTime(now),
              formatTime(now),
              undefined,
              'ContainerStatusUnknown',
            ),
          };
        }
        container.ready = false;
        container.started = false;
      }
      this.run.terminal = true;
      this.writeStatus();
      this.host.removePod(this.key.namespace, this.key.name, this.uid);
    });
  }

  /**
   * The pod's spec changed (an image is the only container field an update may change): a container whose image
   * changed is killed and started again with the new image, as the kubelet does when a container's hash changes.
   */
  specChanged(pod: KubePod): void {
    if (this.terminating || this.disposed) return;
    for (const container of [...this.init, ...this.containers]) {
      const spec = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find(
        (candidate) => candidate.name === container.name,
      );
      if (!spec?.image || spec.image === container.image) continue;
      container.spec = spec;
      container.image = spec.image;
      container.profile = imageLogs(spec.image, {
        init: container.kind === 'init',
        sidecar: container.kind === 'sidecar',
      });
      if (container.kind === 'init' || container.done || !container.state.running) continue;
      this.event(container, {
        type: 'Normal',
        reason: 'Killing',
        message: `Container ${container.name} definition changed, will be restarted`,
      });
      const now = this.host.clock.now();
      this.cancelContainer(container);
      this.host.containerStopped(this.uid, container.name);
      this.writeExitLogs(container, 0, now);
      this.host.logs.end(this.instance(container));
      container.state = {
        terminated: terminatedState(
          0,
          container.state.running.startedAt ?? formatTime(now),
          formatTime(now),
          container.containerID,
        ),
      };
      container.ready = false;
      this.restart(container);
      this.writeStatus();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.cancelAll();
    if (this.periodicLogging) this.host.releasePeriodicLogger();
  }

  private newContainer(spec: KubeContainer, kind: ContainerRun['kind']): ContainerRuntime {
    const script = readContainerScript(this.pod, spec.name);
    return {
      name: spec.name,
      image: spec.image ?? '',
      kind,
      restartCount: 0,
      state: { waiting: { reason: 'ContainerCreating' } },
      lastState: {},
      ready: false,
      started: false,
      spec,
      script,
      profile: imageLogs(spec.image ?? '', { init: kind === 'init', sidecar: kind === 'sidecar' }),
      timers: new Set(),
      logTick: 0,
      done: false,
    };
  }

  private runInit(index: number): void {
    if (index >= this.init.length) {
      if (this.init.length > 0) {
        for (const container of this.containers)
          if (container.state.waiting?.reason === 'PodInitializing')
            container.state = { waiting: { reason: 'ContainerCreating' } };
        this.writeStatus();
      }
      for (const container of this.containers)
        if (!container.started && !container.state.terminated) this.startContainer(container, () => undefined);
      return;
    }
    const container = this.init[index];
    if (container.kind === 'init' && container.state.terminated?.exitCode === 0) {
      this.runInit(index + 1);
      return;
    }
    if (container.kind === 'sidecar' && container.state.running) {
      this.runInit(index + 1);
      return;
    }
    this.startContainer(container, () => {
      if (container.kind === 'sidecar') this.runInit(index + 1);
    });
    if (container.kind === 'init') container.onCompleted = () => this.runInit(index + 1);
  }

  /** Pull (when needed), create, start; `started` runs once the container is up. */
  private startContainer(container: ContainerRuntime, started: () => void): void {
    const image = container.image;
    const needsPull = container.spec.imagePullPolicy === 'Always' || !this.host.hasImage(this.node, image);
    if (container.script.pullFails) {
      this.pullFailure(container);
      return;
    }
    const create = () => {
      this.event(container, { type: 'Normal', reason: 'Created', message: `Created container: ${container.name}` });
      this.afterFor(container, this.host.timings.startMs, () => this.running(container, started));
    };
    if (!needsPull) {
      this.event(container, {
        type: 'Normal',
        reason: 'Pulled',
        message: `Container image "${image}" already present on machine`,
      });
      create();
      return;
    }
    this.event(container, { type: 'Normal', reason: 'Pulling', message: `Pulling image "${image}"` });
    this.afterFor(container, this.host.timings.pullMs, () => {
      const seconds = (this.host.timings.pullMs / 1000).toFixed(3).replace(/\.?0+$/, '');
      this.host.addImage(this.node, image);
      this.event(container, {
        type: 'Normal',
        reason: 'Pulled',
        message: `Successfully pulled image "${image}" in ${seconds}s (${seconds}s including waiting). Image size: ${imageSize(image)} bytes.`,
      });
      create();
    });
  }

  private running(container: ContainerRuntime, started: () => void): void {
    const now = this.host.clock.now();
    container.containerID = `containerd://${randomBytes(32).toString('hex')}`;
    container.imageID = `${normalizeImage(container.image).replace(/:[^:/]+$/, '')}@sha256:${createHash('sha256').update(container.image).digest('hex')}`;
    container.state = { running: { startedAt: formatTime(now) } };
    container.started = true;
    container.ready = !container.spec.readinessProbe && container.kind !== 'init';
    this.event(container, { type: 'Normal', reason: 'Started', message: `Started container ${container.name}` });
    this.writeStartLogs(container, now);
    this.writeStatus();
    if (container.spec.readinessProbe && container.kind !== 'init') {
      this.afterFor(container, this.host.timings.readyMs, () => {
        container.ready = true;
        this.writeStatus();
      });
    }
    this.resumeRunning(container);
    started();
  }

  /** The timers of a running container: its scripted exit (init containers complete) and its periodic lines. */
  private resumeRunning(container: ContainerRuntime): void {
    const startedAt = Date.parse(container.state.running?.startedAt ?? '') || this.host.clock.now().getTime();
    const elapsed = this.host.clock.now().getTime() - startedAt;
    const exitAfter =
      container.script.exitAfterMs ?? (container.kind === 'init' ? this.host.timings.initRunMs : undefined);
    if (exitAfter !== undefined) {
      this.afterFor(container, Math.max(0, exitAfter - elapsed), () =>
        this.exited(
          container,
          container.kind === 'init' && container.script.exitAfterMs === undefined ? 0 : container.script.exitCode,
        ),
      );
    }
    const every =
      container.script.logs.everyMs ??
      (!container.script.scripted && container.profile.periodic ? this.host.timings.defaultLogEveryMs : 0);
    if (every > 0 && (container.script.logs.everyMs !== undefined || this.takePeriodicLogger()))
      this.scheduleLogLine(container, every);
  }

  private takePeriodicLogger(): boolean {
    if (this.periodicLogging) return true;
    this.periodicLogging = this.host.acquirePeriodicLogger();
    return this.periodicLogging;
  }

  /**
   * The container writes its next `count` periodic lines now, at once: what its log script or its image writes at
   * each interval, whether or not it logs periodically. Answers how many lines it wrote (none for an image without
   * periodic lines), or `undefined` when the container is not running.
   */
  writePeriodicLines(name: string, count: number): number | undefined {
    const container = [...this.init, ...this.containers].find((candidate) => candidate.name === name);
    if (!container?.state.running) return undefined;
    const now = this.host.clock.now();
    let written = 0;
    for (let tick = 0; tick < count; tick++) if (this.writePeriodicLine(container, now)) written++;
    return written;
  }

  private scheduleLogLine(container: ContainerRuntime, every: number): void {
    this.afterFor(container, every, () => {
      if (!container.state.running) return;
      this.writePeriodicLine(container, this.host.clock.now());
      this.scheduleLogLine(container, every);
    });
  }

  /** Writes the container's next periodic line, if it has one. */
  private writePeriodicLine(container: ContainerRuntime, now: Date): boolean {
    const tick = container.logTick++;
    const line = container.script.scripted
      ? periodicLine(container.script.logs, tick)
      : container.profile.periodic?.(tick, now, this.context(container));
    if (line === undefined) return false;
    this.host.logs.append(this.instance(container), line, now);
    return true;
  }

  private exited(container: ContainerRuntime, exitCode: number): void {
    const now = this.host.clock.now();
    this.cancelContainer(container);
    this.host.containerStopped(this.uid, container.name);
    this.writeExitLogs(container, exitCode, now);
    this.host.logs.end(this.instance(container));
    const startedAt = container.state.running?.startedAt ?? formatTime(now);
    container.state = { terminated: terminatedState(exitCode, startedAt, formatTime(now), container.containerID) };
    container.ready = false;
    if (container.kind === 'init' && exitCode === 0) {
      container.done = true;
      this.writeStatus();
      container.onCompleted?.();
      return;
    }
    if (!this.shouldRestart(container, exitCode)) {
      container.done = true;
      this.afterRegularContainersDone();
      this.writeStatus();
      return;
    }
    this.writeStatus();
    // The first restart follows at once; the next ones wait for the back-off, shown as CrashLoopBackOff.
    if (container.restartCount === 0) {
      this.afterFor(container, 0, () => this.restart(container));
      return;
    }
    const delay = this.backOff(container.restartCount);
    container.lastState = { terminated: container.state.terminated! };
    container.state = {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off ${formatBackOff(delay)} restarting failed container=${container.name} pod=${this.key.name}_${this.key.namespace}(${this.uid})`,
      },
    };
    container.started = false;
    this.event(container, {
      type: 'Warning',
      reason: 'BackOff',
      message: `Back-off restarting failed container ${container.name} in pod ${this.key.name}_${this.key.namespace}(${this.uid})`,
    });
    this.writeStatus();
    this.afterFor(container, delay, () => this.restart(container));
  }

  private restart(container: ContainerRuntime): void {
    if (container.state.terminated) container.lastState = { terminated: container.state.terminated };
    container.restartCount += 1;
    container.state = { waiting: { reason: 'ContainerCreating' } };
    container.started = false;
    this.startContainer(container, () => undefined);
  }

  private shouldRestart(container: ContainerRuntime, exitCode: number): boolean {
    if (container.kind === 'sidecar') return !this.containers.every((regular) => regular.done);
    const policy = this.pod.spec.restartPolicy ?? 'Always';
    if (container.kind === 'init') return exitCode !== 0 && policy !== 'Never';
    return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
  }

  /** Once every regular container is done for good, the kubelet stops the sidecars and the pod is finished. */
  private afterRegularContainersDone(): void {
    if (!this.containers.every((container) => container.done)) return;
    const now = this.host.clock.now();
    for (const sidecar of this.init.filter((container) => container.kind === 'sidecar')) {
      this.cancelContainer(sidecar);
      if (sidecar.state.running) {
        this.writeExitLogs(sidecar, 0, now);
        this.host.logs.end(this.instance(sidecar));
        sidecar.state = {
          terminated: terminatedState(
            0,
            sidecar.state.running.startedAt ?? formatTime(now),
            formatTime(now),
            sidecar.containerID,
          ),
        };
      }
      sidecar.ready = false;
      sidecar.done = true;
    }
  }

  private pullFailure(container: ContainerRuntime): void {
    const image = container.image;
    const reference = normalizeImage(image);
    this.event(container, { type: 'Normal', reason: 'Pulling', message: `Pulling image "${image}"` });
    this.afterFor(container, this.host.timings.pullMs, () => {
      this.event(container, {
        type: 'Warning',
        reason: 'Failed',
        message: `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${reference}": failed to resolve reference "${reference}": ${reference}: not found`,
      });
      this.event(container, { type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull' });
      container.state = {
        waiting: {
          reason: 'ErrImagePull',
          message: `rpc error: code = NotFound desc = failed to pull and unpack image "${reference}": failed to resolve reference "${reference}": ${reference}: not found`,
        },
      };
      this.writeStatus();
      this.afterFor(container, Math.min(this.host.timings.backOffMs, this.host.timings.maxBackOffMs), () => {
        this.event(container, { type: 'Normal', reason: 'BackOff', message: `Back-off pulling image "${image}"` });
        this.event(container, { type: 'Warning', reason: 'Failed', message: 'Error: ImagePullBackOff' });
        container.state = {
          waiting: {
            reason: 'ImagePullBackOff',
            message: `Back-off pulling image "${image}": ErrImagePull: failed to pull and unpack image "${reference}"`,
          },
        };
        this.writeStatus();
        this.afterFor(container, this.host.timings.backOffMs * 2, () => this.pullFailure(container));
      });
    });
  }

  private backOff(restartCount: number): number {
    const { backOffMs, maxBackOffMs } = this.host.timings;
    return Math.min(maxBackOffMs, backOffMs * 2 ** Math.max(0, restartCount - 1));
  }

  private writeStartLogs(container: ContainerRuntime, at: Date): void {
    const instance = this.instance(container);
    const lines = container.script.scripted
      ? container.script.logs.startLines
      : container.profile.start(at, this.context(container));
    for (const line of lines) this.host.logs.append(instance, line, at);
  }

  private writeExitLogs(container: ContainerRuntime, exitCode: number, at: Date): void {
    if (container.script.scripted) return;
    for (const line of container.profile.exit(exitCode, at, this.context(container)))
      this.host.logs.append(this.instance(container), line, at);
  }

  private instance(container: ContainerRuntime): ContainerInstance {
    return { podUid: this.uid, container: container.name, restartCount: container.restartCount };
  }

  private context(container: ContainerRuntime): LogContext {
    return { pod: this.key.name, container: container.name, podIP: this.run.podIP ?? '' };
  }

  private event(container: ContainerRuntime, input: EventInput): void {
    const fieldPath =
      container.kind === 'regular' ? `spec.containers{${container.name}}` : `spec.initContainers{${container.name}}`;
    this.host.events.kubelet(this.pod, this.node, { ...input, fieldPath });
  }

  private writeStatus(): void {
    if (this.disposed) return;
    const current = this.host.currentPod(this.key.namespace, this.key.name, this.uid);
    if (!current) {
      this.dispose();
      return;
    }
    this.pod = current;
    current.status = buildPodStatus(current, this.run, this.host.clock.now(), current.status);
    this.host.writeStatus(current);
  }

  private after(delayMs: number, run: () => void): void {
    const handle = this.host.timers.schedule(delayMs, () => {
      this.podTimers.delete(handle);
      if (!this.disposed) run();
    });
    this.podTimers.add(handle);
  }

  private afterFor(container: ContainerRuntime, delayMs: number, run: () => void): void {
    const handle = this.host.timers.schedule(delayMs, () => {
      container.timers.delete(handle);
      if (!this.disposed && !this.terminating) run();
    });
    container.timers.add(handle);
  }

  private cancelContainer(container: ContainerRuntime): void {
    for (const handle of container.timers) this.host.timers.cancel(handle);
    container.timers.clear();
  }

  private cancelAll(): void {
    for (const handle of this.podTimers) this.host.timers.cancel(handle);
    this.podTimers.clear();
    for (const container of [...this.init, ...this.containers]) this.cancelContainer(container);
  }
}

/** `10s`, `1m20s`, `5m0s`: Go's time.Duration text, as the back-off message prints it. */
function formatBackOff(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}

function imageSize(image: string): number {
  const digest = createHash('sha256').update(image).digest();
  return 5_000_000 + (digest.readUInt32BE(0) % 120_000_000);
}
