import type { KubeNode } from '../../common/kube/kube-objects.js';
import { dnsSubdomainErrors } from '../../common/kube/names.js';
import { validateObjectMeta } from './object-meta.js';
import { keepMetadataForStatus, keepSystemMetadata, type ResourceStrategy } from './resource-strategy.js';

/** Nodes (pkg/registry/core/node/strategy.go). Node status is written by whoever plays the kubelet. */
export const nodeStrategy: ResourceStrategy = {
  kind: 'Node',
  apiVersion: 'v1',
  resource: 'nodes',
  namespaced: false,
  allowUnconditionalUpdate: true,

  fieldsOf(object) {
    const node = object as unknown as KubeNode;
    return {
      'metadata.name': node.metadata.name ?? '',
      'spec.unschedulable': node.spec?.unschedulable ? 'true' : 'false',
    };
  },

  prepareForCreate(object) {
    const node = object as unknown as KubeNode;
    node.spec ??= {};
    node.status ??= {};
  },

  validate(object) {
    return validateObjectMeta(object.metadata, { namespaced: false, nameErrors: dnsSubdomainErrors });
  },

  prepareForUpdate(next, previous) {
    keepSystemMetadata(next, previous);
    next.status = previous.status;
  },

  validateUpdate(next) {
    return validateObjectMeta(next.metadata, { namespaced: false, nameErrors: dnsSubdomainErrors });
  },

  prepareForStatusUpdate(next, previous) {
    keepMetadataForStatus(next, previous);
    next.spec = previous.spec;
  },
};
