import type { KubeNamespace, KubePod } from '../../common/kube/kube-objects.js';
import type { StorageName } from '../api/api-resources.js';
import { eventStrategy } from '../api/event-strategy.js';
import { invalidObject } from '../api/field-errors.js';
import { namespaceStrategy, PROTECTED_NAMESPACES } from '../api/namespace-strategy.js';
import { nodeStrategy } from '../api/node-strategy.js';
import { applyPatch, type PatchType } from '../api/patch.js';
import { generateName, podStrategy } from '../api/pod-strategy.js';
import { jsonEqual, type ResourceStrategy } from '../api/resource-strategy.js';
import { formatTime, newUid, type Clock } from '../clock.js';
import { KubeStatusError } from '../kube-status-error.js';
import {
  ObjectCollection,
  VersionClock,
  type KubeObject,
  type KubeObjectLike,
  type StoredObject,
} from '../store/object-store.js';

export interface WriteOptions {
  /** `dryRun=All`: validate and answer as if written, store nothing. */
  dryRun?: boolean;
  /** The `fieldManager` of the request (recorded in managedFields). */
  fieldManager?: string;
  /** `status` writes only the status; anything else (or nothing) writes the main resource. */
  subresource?: 'status';
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface DeleteResult {
  /** The object after the call: with `deletionTimestamp` when it waits for its kubelet or finalizers. */
  object: KubeObject;
  /** Gone from the API (a DELETED event was sent). */
  removed: boolean;
}

export interface ClusterOptions {
  clock: Clock;
  /** Changes kept per resource for watches resuming from a resourceVersion. */
  watchHistory: number;
}

const STRATEGIES: Record<StorageName, ResourceStrategy> = {
  pods: podStrategy,
  namespaces: namespaceStrategy,
  nodes: nodeStrategy,
  events: eventStrategy,
};

/**
 * The simulated cluster's API objects and the generic registry logic of an API server
 * (`staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go`): create with generateName and
 * defaults, update with resourceVersion preconditions, patch, the status subresource, graceful deletion and
 * finalizers, namespace lifecycle. The HTTP layer and the simulated controllers (scheduler, kubelet) both
 * write through here, so every change reaches watchers the same way.
 */
export class SimulatedCluster {
  readonly versions = new VersionClock(1000);
  private readonly collections: Record<StorageName, ObjectCollection>;

  constructor(private readonly options: ClusterOptions) {
    const collection = (strategy: ResourceStrategy) =>
      new ObjectCollection(this.versions, {
        namespaced: strategy.namespaced,
        fieldsOf: (object) => strategy.fieldsOf(object),
        historyLimit: options.watchHistory,
      });
    this.collections = {
      pods: collection(podStrategy),
      namespaces: collection(namespaceStrategy),
      nodes: collection(nodeStrategy),
      events: collection(eventStrategy),
    };
  }

  get clock(): Clock {
    return this.options.clock;
  }

  collection(resource: StorageName): ObjectCollection {
    return this.collections[resource];
  }

  strategy(resource: StorageName): ResourceStrategy {
    return STRATEGIES[resource];
  }

  find<T extends KubeObjectLike = KubeObject>(
    resource: StorageName,
    namespace: string | undefined,
    name: string,
  ): T | undefined {
    const stored = this.collections[resource].get(namespace, name);
    return stored ? (JSON.parse(stored.json) as T) : undefined;
  }

  get<T extends KubeObjectLike = KubeObject>(resource: StorageName, namespace: string | undefined, name: string): T {
    const object = this.find<T>(resource, namespace, name);
    if (!object) throw KubeStatusError.notFound(resource, name);
    return object;
  }

  /** Every object of a resource (one namespace when given), parsed, in list order. */
  list<T extends KubeObjectLike = KubeObject>(resource: StorageName, namespace?: string): T[] {
    return [...this.collections[resource].values(namespace)].map((stored) => JSON.parse(stored.json) as T);
  }

  pod(namespace: string, name: string): KubePod | undefined {
    return this.find<KubePod & KubeObject>('pods', namespace, name);
  }

  create<T extends KubeObjectLike>(resource: StorageName, input: T, options: WriteOptions = {}): T {
    return this.createObject(resource, input as unknown as KubeObject, options) as unknown as T;
  }

  /** PUT of the main resource or of the `status` subresource. */
  update<T extends KubeObjectLike>(resource: StorageName, input: T, options: WriteOptions = {}): T {
    return this.updateObject(resource, input as unknown as KubeObject, options) as unknown as T;
  }

  private createObject(resource: StorageName, input: KubeObject, options: WriteOptions): KubeObject {
    const strategy = STRATEGIES[resource];
    const object = structuredClone(input);
    object.apiVersion = strategy.apiVersion;
    object.kind = strategy.kind;
    const meta = (object.metadata ??= {});
    if (!meta.name && meta.generateName) meta.name = this.freeName(resource, meta.namespace, meta.generateName);
    if (strategy.namespaced) this.checkNamespaceAcceptsContent(resource, meta.namespace, meta.name ?? '');
    const now = this.clock.now();
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    meta.uid = newUid();
    meta.creationTimestamp = formatTime(now);
    strategy.prepareForCreate(object, now);
    const errors = strategy.validate(object);
    if (errors.length > 0) throw invalidObject(strategy.kind, meta.name ?? '', errors);
    if (this.collections[resource].get(meta.namespace, meta.name ?? ''))
      throw KubeStatusError.alreadyExists(resource, meta.name ?? '');
    if (options.fieldManager)
      meta.managedFields = [managedFieldsEntry(options.fieldManager, 'Update', strategy.apiVersion, now, object)];
    if (options.dryRun) return object;
    this.collections[resource].write(object);
    return object;
  }

  private updateObject(resource: StorageName, input: KubeObject, options: WriteOptions): KubeObject {
    const strategy = STRATEGIES[resource];
    const namespace = strategy.namespaced ? input.metadata?.namespace : undefined;
    const name = input.metadata?.name ?? '';
    const stored = this.collections[resource].get(namespace, name);
    if (!stored) throw KubeStatusError.notFound(resource, name);
    const previous = JSON.parse(stored.json) as KubeObject;
    const next = structuredClone(input);
    next.apiVersion = strategy.apiVersion;
    next.kind = strategy.kind;
    const requestedVersion = next.metadata.resourceVersion;
    if (requestedVersion && requestedVersion !== previous.metadata.resourceVersion) throw conflict(resource, name);
    if (!requestedVersion && !strategy.allowUnconditionalUpdate) {
      throw invalidObject(strategy.kind, name, [
        {
          field: 'metadata.resourceVersion',
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 0x0: must be specified for an update',
        },
      ]);
    }
    if (next.metadata.uid && next.metadata.uid !== previous.metadata.uid) {
      throw KubeStatusError.of(
        409,
        'Conflict',
        `Precondition failed: UID in precondition: ${next.metadata.uid}, UID in object meta: ${previous.metadata.uid}`,
        { name, kind: resource },
      );
    }
    if (options.subresource === 'status') {
      if (!strategy.prepareForStatusUpdate) throw KubeStatusError.notFound(resource, name);
      strategy.prepareForStatusUpdate(next, previous);
    } else {
      strategy.prepareForUpdate(next, previous);
      const errors = strategy.validateUpdate(next, previous);
      if (errors.length > 0) throw invalidObject(strategy.kind, name, errors);
    }
    next.metadata.resourceVersion = previous.metadata.resourceVersion;
    // A write that changes nothing is not a write: same resourceVersion, no watch event.
    if (jsonEqual(withoutManagedFields(next), withoutManagedFields(previous))) return previous;
    if (options.fieldManager) {
      const entry = managedFieldsEntry(
        options.fieldManager,
        'Update',
        strategy.apiVersion,
        this.clock.now(),
        next,
        options.subresource,
      );
      const others = (previous.metadata.managedFields ?? []).filter((candidate) => !sameManager(candidate, entry));
      next.metadata.managedFields = [...others, entry];
    }
    if (options.dryRun) return next;
    if (
      next.metadata.deletionTimestamp &&
      (next.metadata.finalizers ?? []).length === 0 &&
      next.metadata.deletionGracePeriodSeconds === 0
    ) {
      this.collections[resource].remove(stored.key, next);
      this.afterRemoval(resource, next);
      return next;
    }
    this.collections[resource].write(next);
    return next;
  }

  patch<T extends KubeObjectLike = KubeObject>(
    resource: StorageName,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    options: WriteOptions = {},
  ): T {
    const strategy = STRATEGIES[resource];
    const current = this.get<T>(resource, strategy.namespaced ? namespace : undefined, name);
    const patched = applyPatch(current, patch, type, strategy.kind) as T;
    if (!patched || typeof patched !== 'object' || Array.isArray(patched))
      throw KubeStatusError.badRequest('the patch did not result in an object');
    patched.metadata ??= {};
    if (
      patched.metadata.name !== current.metadata.name ||
      (strategy.namespaced && patched.metadata.namespace !== current.metadata.namespace)
    ) {
      throw KubeStatusError.badRequest('the name of the object and the name in the URL do not match');
    }
    return this.update(resource, patched, options);
  }

  /** DELETE: graceful for pods on a node, at once otherwise; objects with finalizers wait for them. */
  delete(
    resource: StorageName,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): DeleteResult {
    const strategy = STRATEGIES[resource];
    const ns = strategy.namespaced ? namespace : undefined;
    const stored = this.collections[resource].get(ns, name);
    if (!stored) throw KubeStatusError.notFound(resource, name);
    const object = JSON.parse(stored.json) as KubeObject;
    const { uid, resourceVersion } = options.preconditions ?? {};
    if (uid && uid !== object.metadata.uid) {
      throw KubeStatusError.of(
        409,
        'Conflict',
        `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${object.metadata.uid}`,
        { name, kind: resource },
      );
    }
    if (resourceVersion && resourceVersion !== object.metadata.resourceVersion) {
      throw KubeStatusError.of(
        409,
        'Conflict',
        `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${object.metadata.resourceVersion}`,
        { name, kind: resource },
      );
    }
    if (resource === 'namespaces') return this.deleteNamespace(object, options);
    const period = strategy.gracePeriodSeconds ? strategy.gracePeriodSeconds(object, options.gracePeriodSeconds) : 0;
    if (options.dryRun) return { object, removed: period === 0 && (object.metadata.finalizers ?? []).length === 0 };
    return this.deleteWithGrace(resource, stored, object, period);
  }

  /** pods/binding: what the scheduler (or any client) does to put a pod on a node. */
  bind(namespace: string, name: string, nodeName: string): KubePod {
    const pod = this.get<KubePod & KubeObject>('pods', namespace, name);
    if (pod.spec.nodeName) {
      throw KubeStatusError.of(
        409,
        'Conflict',
        `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "${pod.spec.nodeName}"`,
        {
          name,
          kind: 'pods/binding',
        },
      );
    }
    if (pod.metadata.deletionTimestamp) {
      throw KubeStatusError.of(
        409,
        'Conflict',
        `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is being deleted, cannot be assigned to a host`,
      );
    }
    pod.spec.nodeName = nodeName;
    const conditions = (pod.status ??= {}).conditions ?? [];
    const scheduled = {
      type: 'PodScheduled',
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: formatTime(this.clock.now()),
    };
    pod.status.conditions = [...conditions.filter((condition) => condition.type !== 'PodScheduled'), scheduled];
    this.collections.pods.write(pod);
    return pod;
  }

  /**
   * Loads objects as they are (status included), as a restore of etcd would: no defaults, no validation, no
   * events. Used for seeds and the scale mode.
   */
  load(resource: StorageName, objects: Iterable<KubeObject>): number {
    const strategy = STRATEGIES[resource];
    const now = formatTime(this.clock.now());
    return this.collections[resource].load(
      (function* () {
        for (const object of objects) {
          object.apiVersion ??= strategy.apiVersion;
          object.kind ??= strategy.kind;
          object.metadata.uid ??= newUid();
          object.metadata.creationTimestamp ??= now;
          yield object;
        }
      })(),
    );
  }

  /**
   * Creates an object as it is, status included, as one ADDED change: what a controller, the scheduler and a kubelet
   * would have written between them. A pod created so is not fresh, so no simulated kubelet takes it over.
   */
  createAsIs(resource: StorageName, object: KubeObject): KubeObject {
    const meta = object.metadata;
    if (STRATEGIES[resource].namespaced) this.checkNamespaceAcceptsContent(resource, meta.namespace, meta.name ?? '');
    if (this.collections[resource].get(meta.namespace, meta.name ?? ''))
      throw KubeStatusError.alreadyExists(resource, meta.name ?? '');
    meta.uid ??= newUid();
    meta.creationTimestamp ??= formatTime(this.clock.now());
    this.collections[resource].write(object);
    return object;
  }

  /** Removes an object without a grace period or finalizers: what the kubelet's final delete does. */
  remove(resource: StorageName, namespace: string | undefined, name: string): boolean {
    const collection = this.collections[resource];
    const stored = collection.get(namespace, name);
    if (!stored) return false;
    const object = JSON.parse(stored.json) as KubeObject;
    collection.remove(stored.key, object);
    this.afterRemoval(resource, object);
    return true;
  }

  private deleteWithGrace(
    resource: StorageName,
    stored: StoredObject,
    object: KubeObject,
    period: number,
  ): DeleteResult {
    const meta = object.metadata;
    const collection = this.collections[resource];
    const hasFinalizers = (meta.finalizers ?? []).length > 0;
    if (period === 0 && !hasFinalizers) {
      collection.remove(stored.key, object);
      this.afterRemoval(resource, object);
      return { object, removed: true };
    }
    const now = this.clock.now();
    const remaining = meta.deletionTimestamp
      ? Math.max(0, Date.parse(meta.deletionTimestamp) - now.getTime()) / 1000
      : Infinity;
    // A second delete may only shorten the grace period (BeforeDelete in apiserver/pkg/registry/rest/delete.go).
    if (period < remaining || !meta.deletionTimestamp) {
      meta.deletionTimestamp = formatTime(new Date(now.getTime() + period * 1000));
      meta.deletionGracePeriodSeconds = period;
      collection.write(object);
    }
    return { object, removed: false };
  }

  private deleteNamespace(object: KubeObject, options: DeleteOptions): DeleteResult {
    const namespace = object as unknown as KubeNamespace & KubeObject;
    const name = namespace.metadata.name ?? '';
    if (PROTECTED_NAMESPACES.has(name)) {
      throw KubeStatusError.of(
        403,
        'Forbidden',
        `namespaces "${name}" is forbidden: this namespace may not be deleted`,
        { name, kind: 'namespaces' },
      );
    }
    if (options.dryRun) return { object, removed: false };
    if (namespace.status?.phase !== 'Terminating') {
      namespace.metadata.deletionTimestamp = formatTime(this.clock.now());
      namespace.metadata.deletionGracePeriodSeconds = 0;
      namespace.status = { ...namespace.status, phase: 'Terminating' };
      this.collections.namespaces.write(namespace);
    }
    // The namespace controller: delete what the namespace holds; the namespace goes once its pods are gone.
    for (const event of [...this.collections.events.values(name)]) this.remove('events', name, event.name);
    for (const pod of [...this.collections.pods.values(name)]) {
      if (this.collections.pods.getByKey(pod.key)) this.delete('pods', name, pod.name);
    }
    const removed = this.finalizeNamespaceIfEmpty(name);
    return { object: removed ? namespace : (this.find('namespaces', undefined, name) ?? namespace), removed };
  }

  private afterRemoval(resource: StorageName, object: KubeObject): void {
    if (resource === 'pods' && object.metadata.namespace) this.finalizeNamespaceIfEmpty(object.metadata.namespace);
  }

  private finalizeNamespaceIfEmpty(name: string): boolean {
    const namespace = this.find<KubeNamespace & KubeObject>('namespaces', undefined, name);
    if (namespace?.status?.phase !== 'Terminating') return false;
    for (const _pod of this.collections.pods.values(name)) return false;
    namespace.spec = { finalizers: [] };
    this.collections.namespaces.remove(name, namespace);
    return true;
  }

  private checkNamespaceAcceptsContent(resource: StorageName, namespace: string | undefined, name: string): void {
    if (!namespace) return;
    const stored = this.find<KubeNamespace & KubeObject>('namespaces', undefined, namespace);
    if (!stored) throw KubeStatusError.notFound('namespaces', namespace);
    if (stored.status?.phase === 'Terminating' && resource !== 'events') {
      throw KubeStatusError.of(
        403,
        'Forbidden',
        `${resource} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        {
          name,
          kind: resource,
          causes: [
            {
              reason: 'NamespaceTerminating',
              message: `namespace ${namespace} is being terminated`,
              field: 'metadata.namespace',
            },
          ],
        },
      );
    }
  }

  private freeName(resource: StorageName, namespace: string | undefined, prefix: string): string {
    for (;;) {
      const name = generateName(prefix.length > 58 ? prefix.slice(0, 58) : prefix);
      if (!this.collections[resource].get(namespace, name)) return name;
    }
  }
}

export function conflict(resource: string, name: string): KubeStatusError {
  return KubeStatusError.of(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, kind: resource },
  );
}

function withoutManagedFields(object: KubeObject): KubeObject {
  const { managedFields: _managedFields, ...metadata } = object.metadata;
  return { ...object, metadata };
}

function sameManager(a: unknown, b: unknown): boolean {
  const left = a as { manager?: string; operation?: string; subresource?: string };
  const right = b as { manager?: string; operation?: string; subresource?: string };
  return left.manager === right.manager && left.operation === right.operation && left.subresource === right.subresource;
}

/** A managedFields entry naming the top-level fields the manager set (FieldsV1, shallow). */
function managedFieldsEntry(
  manager: string,
  operation: string,
  apiVersion: string,
  at: Date,
  object: KubeObject,
  subresource?: string,
): unknown {
  const fields: Record<string, unknown> = {};
  const part =
    subresource === 'status'
      ? ['status']
      : Object.keys(object).filter((key) => !['apiVersion', 'kind', 'status', 'metadata'].includes(key));
  for (const key of part) {
    const value = object[key];
    fields[`f:${key}`] =
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.keys(value).map((child) => [`f:${child}`, {}]))
        : {};
  }
  if (!subresource) {
    const meta: Record<string, unknown> = {};
    if (object.metadata.labels)
      meta['f:labels'] = Object.fromEntries(Object.keys(object.metadata.labels).map((key) => [`f:${key}`, {}]));
    if (object.metadata.annotations)
      meta['f:annotations'] = Object.fromEntries(
        Object.keys(object.metadata.annotations).map((key) => [`f:${key}`, {}]),
      );
    if (Object.keys(meta).length > 0) fields['f:metadata'] = meta;
  }
  return {
    manager,
    operation,
    apiVersion,
    time: formatTime(at),
    fieldsType: 'FieldsV1',
    fieldsV1: fields,
    ...(subresource ? { subresource } : {}),
  };
}
