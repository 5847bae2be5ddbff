import { createHash } from 'node:crypto';
import type { KubeNamespace, KubeNode } from '../../common/kube/kube-objects.js';
import { formatTime } from '../clock.js';

/** The namespaces every cluster has. */
export const SYSTEM_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

export function namespaceObject(name: string, createdAt: Date, labels: Record<string, string> = {}): KubeNamespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      uid: stableUid(`namespace/${name}`),
      creationTimestamp: formatTime(createdAt),
      labels: { ...labels, 'kubernetes.io/metadata.name': name },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

export interface NodeShape {
  name: string;
  index: number;
  controlPlane?: boolean;
  zone?: string;
  ready?: boolean;
  labels?: Record<string, string>;
}

/** A Node as a kind-like cluster reports it: Ready, with addresses, capacity and node info of a 1.35 kubelet. */
export function nodeObject(
  { name, index, controlPlane = false, zone = 'zone-a', ready = true, labels = {} }: NodeShape,
  createdAt: Date,
): KubeNode {
  const cidr = `10.244.${index}.0/24`;
  const heartbeat = formatTime(createdAt);
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: heartbeat,
    lastTransitionTime: heartbeat,
    reason,
    message,
  });
  const capacity = controlPlane
    ? { cpu: '4', 'ephemeral-storage': '102626232Ki', 'hugepages-2Mi': '0', memory: '8148984Ki', pods: '110' }
    : { cpu: '8', 'ephemeral-storage': '102626232Ki', 'hugepages-2Mi': '0', memory: '32874328Ki', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      uid: stableUid(`node/${name}`),
      creationTimestamp: formatTime(createdAt),
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'topology.kubernetes.io/zone': zone,
        ...(controlPlane
          ? {
              'node-role.kubernetes.io/control-plane': '',
              'node.kubernetes.io/exclude-from-external-load-balancers': '',
            }
          : {}),
        ...labels,
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {
      podCIDR: cidr,
      podCIDRs: [cidr],
      providerID: `sandbox://${name}`,
      ...(controlPlane ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {}),
    },
    status: {
      addresses: [
        { type: 'InternalIP', address: `172.18.${Math.floor(index / 250)}.${(index % 250) + 2}` },
        { type: 'Hostname', address: name },
      ],
      capacity,
      allocatable: capacity,
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        ready
          ? condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status')
          : condition('Ready', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: stableUid(`boot/${name}`),
        containerRuntimeVersion: 'containerd://2.1.4',
        kernelVersion: '6.6.0-podapi-sandbox',
        kubeProxyVersion: '',
        kubeletVersion: 'v1.35.2',
        machineID: createHash('md5').update(name).digest('hex'),
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        systemUUID: stableUid(`system/${name}`),
      },
    },
  };
}

/** A UUID derived from a name, so that seeded objects keep their uid from one start to the next. */
export function stableUid(seed: string): string {
  const hex = createHash('sha1').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
