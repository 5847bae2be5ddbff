import type { KubeNode } from '../../common/kube/kube-objects.js';
import { ageSince } from './human-duration.js';
import { AGE_DESCRIPTION, column, NAME_DESCRIPTION, type TableConverter } from './table.js';

// printNode and nodeColumnDefinitions in pkg/printers/internalversion/printers.go (v1.35).
export const nodeTable: TableConverter = {
  columns: [
    column('Name', NAME_DESCRIPTION, { format: 'name' }),
    column('Status', 'The status of the node'),
    column('Roles', 'The roles of the node'),
    column('Age', AGE_DESCRIPTION),
    column('Version', 'Kubelet Version reported by the node.'),
    column('Internal-IP', 'List of addresses reachable to the node.', { priority: 1 }),
    column('External-IP', 'List of addresses reachable to the node.', { priority: 1 }),
    column('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', {
      priority: 1,
    }),
    column('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", {
      priority: 1,
    }),
    column(
      'Container-Runtime',
      'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
      { priority: 1 },
    ),
  ],

  row(object, now) {
    const node = object as unknown as KubeNode;
    const ready = node.status?.conditions?.find((condition) => condition.type === 'Ready');
    const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
    if (node.spec?.unschedulable) status.push('SchedulingDisabled');
    const roles = new Set<string>();
    for (const [key, value] of Object.entries(node.metadata.labels ?? {})) {
      if (key.startsWith('node-role.kubernetes.io/') && key.length > 'node-role.kubernetes.io/'.length)
        roles.add(key.slice('node-role.kubernetes.io/'.length));
      else if (key === 'kubernetes.io/role' && value) roles.add(value);
    }
    const info = node.status?.nodeInfo ?? {};
    const address = (type: string) =>
      node.status?.addresses?.find((candidate) => candidate.type === type)?.address ?? '<none>';
    return {
      cells: [
        node.metadata.name,
        status.join(','),
        roles.size > 0 ? [...roles].sort().join(',') : '<none>',
        ageSince(node.metadata.creationTimestamp, now),
        info.kubeletVersion ?? '',
        address('InternalIP'),
        address('ExternalIP'),
        info.osImage || '<unknown>',
        info.kernelVersion || '<unknown>',
        info.containerRuntimeVersion || '<unknown>',
      ],
    };
  },
};
