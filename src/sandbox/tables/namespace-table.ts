import type { KubeNamespace } from '../../common/kube/kube-objects.js';
import { ageSince } from './human-duration.js';
import { AGE_DESCRIPTION, column, NAME_DESCRIPTION, type TableConverter } from './table.js';

// printNamespace in pkg/printers/internalversion/printers.go (v1.35).
export const namespaceTable: TableConverter = {
  columns: [
    column('Name', NAME_DESCRIPTION, { format: 'name' }),
    column('Status', 'The status of the namespace'),
    column('Age', AGE_DESCRIPTION),
  ],

  row(object, now) {
    const namespace = object as unknown as KubeNamespace;
    return {
      cells: [
        namespace.metadata.name,
        namespace.status?.phase ?? '',
        ageSince(namespace.metadata.creationTimestamp, now),
      ],
    };
  },
};
