import type { KubeObject } from '../store/object-store.js';
import type { FieldError } from './field-errors.js';

/**
 * What differs between resources when the generic registry creates, updates and deletes them: the part of
 * `pkg/registry/<group>/<resource>/strategy.go` the simulator needs.
 */
export interface ResourceStrategy {
  readonly kind: string;
  readonly apiVersion: string;
  /** The plural resource name used in error texts (`pods "x" not found`). */
  readonly resource: string;
  readonly namespaced: boolean;
  /** Whether PUT without a resourceVersion is accepted (true for every core resource). */
  readonly allowUnconditionalUpdate: boolean;
  /** The selectable fields of an object, for field selectors and the store's index. */
  fieldsOf(object: KubeObject): Record<string, string>;
  /** Fills defaults and resets what a client may not set on create (a pod's status). */
  prepareForCreate(object: KubeObject, now: Date): void;
  validate(object: KubeObject): FieldError[];
  /** Carries over what an update of the main resource may not change (status, immutable metadata). */
  prepareForUpdate(next: KubeObject, previous: KubeObject): void;
  validateUpdate(next: KubeObject, previous: KubeObject): FieldError[];
  /** For the `status` subresource: only the status of `next` is kept. */
  prepareForStatusUpdate?(next: KubeObject, previous: KubeObject): void;
  /**
   * The grace period a delete gets (pods only): undefined deletes at once. `requested` is the client's
   * `gracePeriodSeconds`.
   */
  gracePeriodSeconds?(object: KubeObject, requested: number | undefined): number;
}

/** Metadata a client cannot change with an update, carried over from the stored object. */
export function keepSystemMetadata(next: KubeObject, previous: KubeObject): void {
  const meta = next.metadata;
  const old = previous.metadata;
  meta.name = old.name;
  meta.namespace = old.namespace;
  meta.uid = old.uid;
  meta.creationTimestamp = old.creationTimestamp;
  meta.generateName = old.generateName;
  if (old.deletionTimestamp) meta.deletionTimestamp = old.deletionTimestamp;
  else delete meta.deletionTimestamp;
  if (old.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
  else delete meta.deletionGracePeriodSeconds;
  if (old.generation !== undefined) meta.generation = old.generation;
  else delete meta.generation;
  if (old.managedFields && !meta.managedFields) meta.managedFields = old.managedFields;
}

/** metav1.ResetObjectMetaForStatus: a status write keeps every metadata field but the resourceVersion. */
export function keepMetadataForStatus(next: KubeObject, previous: KubeObject): void {
  const resourceVersion = next.metadata.resourceVersion;
  next.metadata = { ...previous.metadata, resourceVersion };
}

/** JSON equality of two plain JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const leftKeys = Object.keys(left).filter((key) => left[key] !== undefined);
  const rightKeys = Object.keys(right).filter((key) => right[key] !== undefined);
  if (leftKeys.length !== rightKeys.length) return false;
  return leftKeys.every((key) => Object.prototype.hasOwnProperty.call(right, key) && jsonEqual(left[key], right[key]));
}
