import type { KubeNamespace } from '../../common/kube/kube-objects.js';
import { dnsLabelErrors } from '../../common/kube/names.js';
import { validateObjectMeta } from './object-meta.js';
import { keepMetadataForStatus, keepSystemMetadata, type ResourceStrategy } from './resource-strategy.js';

/** The namespaces an API server refuses to delete (pkg/registry/core/namespace/storage, NamespaceLifecycle). */
export const PROTECTED_NAMESPACES: ReadonlySet<string> = new Set([
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
]);

/** Namespaces (pkg/registry/core/namespace/strategy.go). */
export const namespaceStrategy: ResourceStrategy = {
  kind: 'Namespace',
  apiVersion: 'v1',
  resource: 'namespaces',
  namespaced: false,
  allowUnconditionalUpdate: true,

  fieldsOf(object) {
    const namespace = object as unknown as KubeNamespace;
    return { 'metadata.name': namespace.metadata.name ?? '', 'status.phase': namespace.status?.phase ?? '' };
  },

  prepareForCreate(object) {
    const namespace = object as unknown as KubeNamespace;
    namespace.spec = { finalizers: ['kubernetes'] };
    namespace.status = { phase: 'Active' };
    // The NamespaceDefaultLabelName feature (GA in 1.22) labels every namespace with its own name.
    namespace.metadata.labels = {
      ...namespace.metadata.labels,
      'kubernetes.io/metadata.name': namespace.metadata.name ?? '',
    };
  },

  validate(object) {
    return validateObjectMeta(object.metadata, { namespaced: false, nameErrors: dnsLabelErrors });
  },

  prepareForUpdate(next, previous) {
    keepSystemMetadata(next, previous);
    next.status = previous.status;
    next.spec = previous.spec;
    next.metadata.labels = { ...next.metadata.labels, 'kubernetes.io/metadata.name': previous.metadata.name ?? '' };
  },

  validateUpdate(next) {
    return validateObjectMeta(next.metadata, { namespaced: false, nameErrors: dnsLabelErrors });
  },

  prepareForStatusUpdate(next, previous) {
    keepMetadataForStatus(next, previous);
    next.spec = previous.spec;
  },
};
