/**
 * Kubernetes objects as they travel on the wire (plain JSON, timestamps as RFC 3339 strings).
 *
 * Only the fields this project reads or writes are typed; every object may carry more. The service,
 * the simulator and the pure Kubernetes-semantics functions (pod status, selectors) share these types;
 * client-node's classes never leave `clusters/kube/`.
 */

export interface KubeObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: KubeOwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
}

export interface KubeOwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface KubeListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface KubeList<T> {
  apiVersion?: string;
  kind?: string;
  metadata: KubeListMeta;
  items: T[];
}

export interface KubeContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
  hostPort?: number;
}

export interface KubeVolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
}

export interface KubeResourceRequirements {
  limits?: Record<string, string>;
  requests?: Record<string, string>;
}

export interface KubeEnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

export interface KubeContainer {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: KubeEnvVar[];
  ports?: KubeContainerPort[];
  resources?: KubeResourceRequirements;
  volumeMounts?: KubeVolumeMount[];
  /** `Always` on an init container makes it a restartable init container (a sidecar). */
  restartPolicy?: string;
  stdin?: boolean;
  tty?: boolean;
  imagePullPolicy?: string;
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  startupProbe?: unknown;
}

export interface KubeVolume {
  name: string;
  [source: string]: unknown;
}

export interface KubePodSpec {
  nodeName?: string;
  containers: KubeContainer[];
  initContainers?: KubeContainer[];
  volumes?: KubeVolume[];
  restartPolicy?: string;
  serviceAccountName?: string;
  schedulerName?: string;
  hostNetwork?: boolean;
  schedulingGates?: { name: string }[];
  terminationGracePeriodSeconds?: number;
  [field: string]: unknown;
}

export interface KubeContainerStateWaiting {
  reason?: string;
  message?: string;
}

export interface KubeContainerStateRunning {
  startedAt?: string;
}

export interface KubeContainerStateTerminated {
  exitCode: number;
  signal?: number;
  reason?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  containerID?: string;
}

export interface KubeContainerState {
  waiting?: KubeContainerStateWaiting;
  running?: KubeContainerStateRunning;
  terminated?: KubeContainerStateTerminated;
}

export interface KubeContainerStatus {
  name: string;
  ready: boolean;
  restartCount: number;
  image?: string;
  imageID?: string;
  containerID?: string;
  started?: boolean;
  state?: KubeContainerState;
  lastState?: KubeContainerState;
}

export interface KubePodCondition {
  type: string;
  /** `True`, `False` or `Unknown`. */
  status: string;
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
}

export interface KubePodStatus {
  phase?: string;
  reason?: string;
  message?: string;
  conditions?: KubePodCondition[];
  hostIP?: string;
  podIP?: string;
  podIPs?: { ip: string }[];
  nominatedNodeName?: string;
  startTime?: string;
  qosClass?: string;
  containerStatuses?: KubeContainerStatus[];
  initContainerStatuses?: KubeContainerStatus[];
  [field: string]: unknown;
}

export interface KubePod {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  spec: KubePodSpec;
  status?: KubePodStatus;
}

export interface KubeObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

/** A core/v1 Event; events.k8s.io/v1 objects carry the same data under other names (see `KubeEventV1`). */
export interface KubeCoreEvent {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  involvedObject: KubeObjectReference;
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string };
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  reportingInstance?: string;
  action?: string;
}

/** An events.k8s.io/v1 Event. */
export interface KubeEventV1 {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  regarding?: KubeObjectReference;
  reason?: string;
  note?: string;
  type?: string;
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string };
  deprecatedCount?: number;
  deprecatedFirstTimestamp?: string | null;
  deprecatedLastTimestamp?: string | null;
  deprecatedSource?: { component?: string; host?: string };
  reportingController?: string;
  reportingInstance?: string;
  action?: string;
}

export interface KubeNamespace {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  spec?: { finalizers?: string[] };
  /** `phase`: `Active` or `Terminating`. */
  status?: { phase?: string };
}

export interface KubeNode {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  spec?: { unschedulable?: boolean; podCIDR?: string; [field: string]: unknown };
  status?: {
    addresses?: { type: string; address: string }[];
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    nodeInfo?: Record<string, string>;
    capacity?: Record<string, string>;
    allocatable?: Record<string, string>;
    [field: string]: unknown;
  };
}

/** A meta/v1 Status: how the API server reports every error (and some successes). */
export interface KubeStatus {
  apiVersion?: string;
  kind: 'Status';
  metadata?: KubeListMeta;
  /** `Success` or `Failure`. */
  status?: string;
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: { type?: string; message?: string; reason?: string; field?: string }[];
    retryAfterSeconds?: number;
  };
  code?: number;
}

export type KubeWatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface KubeWatchEvent<T> {
  type: KubeWatchEventType;
  object: T | KubeStatus;
}
