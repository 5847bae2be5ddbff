import type { KubePod } from '../../common/kube/kube-objects.js';
import { describePodRow } from '../../pods/pod-status.js';
import { ageSince } from './human-duration.js';
import { AGE_DESCRIPTION, column, NAME_DESCRIPTION, type TableConverter } from './table.js';

// printPod and podColumnDefinitions in pkg/printers/internalversion/printers.go (v1.35); READY, STATUS and the
// RESTARTS count come from src/pods/pod-status.ts, the port of the same function the service uses.
export const podTable: TableConverter = {
  columns: [
    column('Name', NAME_DESCRIPTION, { format: 'name' }),
    column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    column('Age', AGE_DESCRIPTION),
    column(
      'IP',
      'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
      { priority: 1 },
    ),
    column(
      'Node',
      'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.',
      { priority: 1 },
    ),
    column(
      'Nominated Node',
      'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.',
      { priority: 1 },
    ),
    column('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', {
      priority: 1,
    }),
  ],

  row(object, now) {
    const pod = object as unknown as KubePod;
    const row = describePodRow(pod);
    const { count, lastRestartAt } = row.restarts;
    const restarts = lastRestartAt ? `${count} (${ageSince(lastRestartAt, now)} ago)` : String(count);
    const status = pod.status ?? {};
    const readinessGates = (pod.spec.readinessGates as { conditionType: string }[] | undefined) ?? [];
    let gates = '<none>';
    if (readinessGates.length > 0) {
      const met = readinessGates.filter(
        (gate) => status.conditions?.find((condition) => condition.type === gate.conditionType)?.status === 'True',
      ).length;
      gates = `${met}/${readinessGates.length}`;
    }
    const cells = [
      pod.metadata.name,
      row.ready,
      row.status,
      restarts,
      ageSince(pod.metadata.creationTimestamp, now),
      status.podIPs?.[0]?.ip || status.podIP || '<none>',
      pod.spec.nodeName || '<none>',
      status.nominatedNodeName || '<none>',
      gates,
    ];
    if (status.phase === 'Succeeded') {
      return {
        cells,
        conditions: [
          { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
        ],
      };
    }
    if (status.phase === 'Failed')
      return {
        cells,
        conditions: [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }],
      };
    return { cells };
  },
};
