import type { KubePod } from '../../common/kube/kube-objects.js';
import type { Clock } from '../clock.js';
import type { EventRecorder } from '../cluster/event-recorder.js';
import type { ContainerLogStore } from '../containers/container-log-store.js';
import type { LifecycleTimings } from './lifecycle-timings.js';
import type { TimerQueue } from './timer-queue.js';

/** What a PodRuntime uses of the kubelet that runs it. */
export interface KubeletHost {
  readonly clock: Clock;
  readonly timings: LifecycleTimings;
  readonly timers: TimerQueue;
  readonly logs: ContainerLogStore;
  readonly events: EventRecorder;
  hostIP(node: string): string;
  allocatePodIP(node: string): string;
  hasImage(node: string, image: string): boolean;
  addImage(node: string, image: string): void;
  /** The pod as stored now, if it is still the same pod (same uid). */
  currentPod(namespace: string, name: string, uid: string): KubePod | undefined;
  writeStatus(pod: KubePod): void;
  /** The kubelet's final delete (grace period 0) once the containers have stopped. */
  removePod(namespace: string, name: string, uid: string): void;
  /** A container stopped (exited, or killed for a delete): its exec sessions end. */
  containerStopped(uid: string, container: string): void;
  /** Periodic lines of pods without a log script are bounded in number; false when none is left. */
  acquirePeriodicLogger(): boolean;
  releasePeriodicLogger(): void;
}
