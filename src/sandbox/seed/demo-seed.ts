import type { KubeCoreEvent, KubeNamespace, KubeNode, KubePod } from '../../common/kube/kube-objects.js';
import { formatMicroTime, formatTime } from '../clock.js';
import { LOG_EVERY_MS_ANNOTATION, LOGS_ANNOTATION } from '../containers/log-script.js';
import { EXIT_AFTER_MS_ANNOTATION, EXIT_CODE_ANNOTATION, IMAGE_PULL_ANNOTATION } from '../kubelet/container-script.js';
import { namespaceObject, nodeObject, stableUid, SYSTEM_NAMESPACES } from './cluster-objects.js';
import {
  podObject,
  withStatus,
  type ContainerShape,
  type PodShape,
  type PodState,
  type StatusOptions,
} from './pod-templates.js';

export interface SeedObjects {
  namespaces: KubeNamespace[];
  nodes: KubeNode[];
  pods: KubePod[];
  events: KubeCoreEvent[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const CONTROL_PLANE = 'sandbox-control-plane';
export const WORKERS = ['sandbox-worker-1', 'sandbox-worker-2', 'sandbox-worker-3'];

/** The cluster every seed starts from: system namespaces, a control-plane node and three workers, all Ready. */
export function baseCluster(now: Date, clusterAge = 12 * DAY): { namespaces: KubeNamespace[]; nodes: KubeNode[] } {
  const born = new Date(now.getTime() - clusterAge);
  return {
    namespaces: SYSTEM_NAMESPACES.map((name) => namespaceObject(name, born)),
    nodes: [CONTROL_PLANE, ...WORKERS].map((name, index) =>
      nodeObject(
        { name, index, controlPlane: index === 0, zone: ['zone-a', 'zone-a', 'zone-b', 'zone-c'][index] },
        new Date(born.getTime() + index * 60_000),
      ),
    ),
  };
}

/**
 * The demo cluster a newcomer sees first: a small cluster that has been up for a while, with the kube-system pods
 * of a kind cluster and a few applications in every state a pod list shows — rolling deployments, a crash-looping
 * API, a completed and a failed job, a pod whose image cannot be pulled, one that fits no node, a pod with init
 * containers, one with a sidecar, a multi-container pod, and one whose log lines are scripted by annotations.
 * All of it is live: the kubelet adopts these pods (crash loops go on, logs keep coming).
 */
export function demoSeed(now: Date): SeedObjects {
  const { namespaces, nodes } = baseCluster(now);
  const clusterBorn = now.getTime() - 12 * DAY;
  namespaces.push(
    namespaceObject('shop', new Date(clusterBorn + 2 * HOUR), { team: 'storefront' }),
    namespaceObject('payments', new Date(clusterBorn + 3 * HOUR), { team: 'payments' }),
    namespaceObject('batch', new Date(clusterBorn + 5 * DAY), { team: 'data' }),
    namespaceObject('monitoring', new Date(clusterBorn + HOUR), { team: 'platform' }),
  );
  const pods: KubePod[] = [];
  const ipOf = new Map<string, number>();
  const hostIP = (node: string) =>
    nodes.find((candidate) => candidate.metadata.name === node)?.status?.addresses?.[0]?.address ?? '172.18.0.2';
  const podIP = (node: string) => {
    const index = [CONTROL_PLANE, ...WORKERS].indexOf(node);
    const next = (ipOf.get(node) ?? 2) + 1;
    ipOf.set(node, next);
    return `10.244.${index}.${next}`;
  };
  const add = (
    shape: Omit<PodShape, 'createdAt'> & { ageMs: number },
    state: PodState,
    options: Partial<StatusOptions> = {},
  ) => {
    const { ageMs, ...rest } = shape;
    const pod = podObject({
      ...rest,
      createdAt: new Date(now.getTime() - ageMs),
      uid: stableUid(`pod/${shape.namespace}/${shape.name}`),
    });
    const node = shape.nodeName ?? '';
    pods.push(
      withStatus(pod, state, {
        now,
        hostIP: hostIP(node),
        podIP: shape.namespace === 'kube-system' && shape.name.startsWith('kube-proxy') ? hostIP(node) : podIP(node),
        ...options,
      }),
    );
  };

  // kube-system: the control plane and the per-node agents of a kind cluster.
  const controlPlaneAge = 12 * DAY;
  const staticPod = (component: string, image: string) =>
    add(
      {
        namespace: 'kube-system',
        name: `${component}-${CONTROL_PLANE}`,
        labels: { component, tier: 'control-plane' },
        owner: { kind: 'Node', name: CONTROL_PLANE, apiVersion: 'v1' },
        containers: [{ name: component, image, requests: { cpu: '100m' } }],
        nodeName: CONTROL_PLANE,
        priorityClassName: 'system-node-critical',
        tolerations: [{ operator: 'Exists', effect: 'NoExecute' }],
        ageMs: controlPlaneAge,
      },
      'Running',
      { hostIP: hostIP(CONTROL_PLANE), podIP: hostIP(CONTROL_PLANE) },
    );
  staticPod('etcd', 'registry.k8s.io/etcd:3.6.5-0');
  staticPod('kube-apiserver', 'registry.k8s.io/kube-apiserver:v1.35.2');
  staticPod('kube-controller-manager', 'registry.k8s.io/kube-controller-manager:v1.35.2');
  staticPod('kube-scheduler', 'registry.k8s.io/kube-scheduler:v1.35.2');
  for (const suffix of ['668d6bf9bc-4kzqw', '668d6bf9bc-x7vpn']) {
    add(
      {
        namespace: 'kube-system',
        name: `coredns-${suffix}`,
        labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '668d6bf9bc' },
        owner: { kind: 'ReplicaSet', name: 'coredns-668d6bf9bc' },
        containers: [
          {
            name: 'coredns',
            image: 'registry.k8s.io/coredns/coredns:v1.12.1',
            ports: [53, 9153],
            requests: { cpu: '100m', memory: '70Mi' },
            limits: { memory: '170Mi' },
            readinessProbe: true,
          },
        ],
        nodeName: CONTROL_PLANE,
        tolerations: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
        serviceAccountName: 'coredns',
        ageMs: controlPlaneAge - 60_000,
      },
      'Running',
    );
  }
  ['', ...WORKERS].forEach((worker, index) => {
    const node = worker || CONTROL_PLANE;
    add(
      {
        namespace: 'kube-system',
        name: `kube-proxy-${['7xk2p', 'bq9mz', 'd4wtn', 'h8lrc'][index]}`,
        labels: { 'k8s-app': 'kube-proxy', 'controller-revision-hash': '5d8b6f4c9d', 'pod-template-generation': '1' },
        owner: { kind: 'DaemonSet', name: 'kube-proxy' },
        containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.35.2' }],
        nodeName: node,
        tolerations: [{ operator: 'Exists' }],
        serviceAccountName: 'kube-proxy',
        ageMs: controlPlaneAge - index * 60_000,
      },
      'Running',
      { podIP: hostIP(node) },
    );
  });

  // shop: a storefront.
  const deployment = (
    name: string,
    hash: string,
    suffixes: string[],
    shape: Partial<PodShape> & { containers: ContainerShape[] },
    state: PodState,
    ageMs: number,
    options: Partial<StatusOptions> = {},
  ) =>
    suffixes.forEach((suffix, index) =>
      add(
        {
          namespace: shape.namespace ?? 'shop',
          name: `${name}-${hash}-${suffix}`,
          labels: { app: name, 'pod-template-hash': hash, ...shape.labels },
          owner: { kind: 'ReplicaSet', name: `${name}-${hash}` },
          nodeName: WORKERS[index % WORKERS.length],
          ageMs,
          ...shape,
          containers: shape.containers,
        },
        state,
        options,
      ),
    );
  deployment(
    'web-frontend',
    '7c9d8f5b6d',
    ['2xkqp', 'h7tzn', 'rm5vw'],
    {
      labels: { app: 'web-frontend', tier: 'frontend' },
      containers: [
        {
          name: 'nginx',
          image: 'nginx:1.27.3',
          ports: [80],
          requests: { cpu: '100m', memory: '64Mi' },
          limits: { memory: '128Mi' },
          readinessProbe: true,
        },
        {
          name: 'metrics-exporter',
          image: 'nginx/nginx-prometheus-exporter:1.4.0',
          ports: [9113],
          requests: { cpu: '10m', memory: '16Mi' },
        },
      ],
    },
    'Running',
    3 * DAY,
  );
  deployment(
    'cart-api',
    '5f6b7c8d9e',
    ['9pqkd', 'tw4xs'],
    {
      labels: { app: 'cart-api', tier: 'backend' },
      containers: [
        {
          name: 'api',
          image: 'ghcr.io/podapi-demo/cart-api:2.4.1',
          ports: [8080],
          requests: { cpu: '250m', memory: '256Mi' },
          limits: { cpu: '500m', memory: '512Mi' },
          readinessProbe: true,
        },
      ],
    },
    'Running',
    2 * DAY,
    { restarts: 1, lastRestartAt: new Date(now.getTime() - 26 * HOUR) },
  );
  deployment(
    'checkout-api',
    '6d4f8b9c7a',
    ['xk2vb'],
    {
      labels: { app: 'checkout-api', tier: 'backend' },
      // Crashes 2 s after every start, as an API whose database is unreachable does.
      annotations: { [EXIT_AFTER_MS_ANNOTATION]: '2000', [EXIT_CODE_ANNOTATION]: '1' },
      containers: [
        {
          name: 'api',
          image: 'ghcr.io/podapi-demo/checkout-api:1.9.0',
          ports: [8080],
          requests: { cpu: '250m', memory: '256Mi' },
          limits: { memory: '512Mi' },
        },
      ],
    },
    'CrashLoopBackOff',
    5 * HOUR,
    { restarts: 47, lastRestartAt: new Date(now.getTime() - 3 * 60_000) },
  );
  add(
    {
      namespace: 'shop',
      name: 'orders-db-0',
      labels: {
        app: 'orders-db',
        'statefulset.kubernetes.io/pod-name': 'orders-db-0',
        'apps.kubernetes.io/pod-index': '0',
      },
      owner: { kind: 'StatefulSet', name: 'orders-db' },
      containers: [
        {
          name: 'postgres',
          image: 'postgres:16.4',
          ports: [5432],
          env: { POSTGRES_DB: 'orders', PGDATA: '/var/lib/postgresql/data/pgdata' },
          requests: { cpu: '500m', memory: '1Gi' },
          limits: { cpu: '500m', memory: '1Gi' },
        },
      ],
      nodeName: WORKERS[2],
      ageMs: 9 * DAY,
    },
    'Running',
  );
  add(
    {
      namespace: 'shop',
      name: 'orders-api-6b8f9d7c5f-l2mzq',
      labels: { app: 'orders-api', 'pod-template-hash': '6b8f9d7c5f' },
      owner: { kind: 'ReplicaSet', name: 'orders-api-6b8f9d7c5f' },
      initContainers: [
        {
          name: 'wait-for-db',
          image: 'busybox:1.37',
          command: ['sh', '-c', 'until nc -z orders-db 5432; do sleep 2; done'],
        },
        {
          name: 'migrate',
          image: 'ghcr.io/podapi-demo/orders-api:3.0.2',
          command: ['/app/orders-api', 'migrate', 'up'],
        },
      ],
      containers: [
        {
          name: 'api',
          image: 'ghcr.io/podapi-demo/orders-api:3.0.2',
          ports: [8080],
          requests: { cpu: '200m', memory: '128Mi' },
          readinessProbe: true,
        },
      ],
      nodeName: WORKERS[0],
      ageMs: 22 * HOUR,
    },
    'Running',
  );
  add(
    {
      namespace: 'shop',
      name: 'catalog-api-84c6d7b9f5-n6wrt',
      labels: { app: 'catalog-api', 'pod-template-hash': '84c6d7b9f5' },
      owner: { kind: 'ReplicaSet', name: 'catalog-api-84c6d7b9f5' },
      initContainers: [
        {
          name: 'log-shipper',
          image: 'fluent/fluent-bit:3.2.2',
          restartPolicy: 'Always',
          requests: { cpu: '10m', memory: '32Mi' },
        },
      ],
      containers: [
        {
          name: 'api',
          image: 'ghcr.io/podapi-demo/catalog-api:1.12.0',
          ports: [8080],
          requests: { cpu: '100m', memory: '128Mi' },
        },
      ],
      nodeName: WORKERS[1],
      ageMs: 30 * HOUR,
    },
    'Running',
  );
  add(
    {
      namespace: 'shop',
      name: 'redis-cache-0',
      labels: { app: 'redis-cache', 'statefulset.kubernetes.io/pod-name': 'redis-cache-0' },
      owner: { kind: 'StatefulSet', name: 'redis-cache' },
      containers: [{ name: 'redis', image: 'redis:7.4.1', ports: [6379], requests: { cpu: '100m', memory: '128Mi' } }],
      nodeName: WORKERS[1],
      ageMs: 9 * DAY,
    },
    'Running',
  );

  // payments: scripted logs, an image that cannot be pulled.
  add(
    {
      namespace: 'payments',
      name: 'payments-api-5c7d9f8b6c-q8ztx',
      labels: { app: 'payments-api', 'pod-template-hash': '5c7d9f8b6c' },
      owner: { kind: 'ReplicaSet', name: 'payments-api-5c7d9f8b6c' },
      annotations: {
        [LOGS_ANNOTATION]: JSON.stringify([
          'payments-api v4.2.0 starting',
          'connected to ledger at ledger.payments.svc:7000',
          'POST /v1/charges 201 (38ms) amount=1999 currency=EUR',
          'POST /v1/charges 402 (12ms) card_declined',
          'GET /v1/charges/ch_3PZ 200 (4ms)',
          'POST /v1/refunds 201 (51ms) amount=500 currency=EUR',
        ]),
        [LOG_EVERY_MS_ANNOTATION]: '3000',
      },
      containers: [
        {
          name: 'api',
          image: 'ghcr.io/podapi-demo/payments-api:4.2.0',
          ports: [8443],
          requests: { cpu: '250m', memory: '256Mi' },
          limits: { cpu: '250m', memory: '256Mi' },
        },
      ],
      nodeName: WORKERS[2],
      ageMs: 6 * HOUR,
    },
    'Running',
  );
  add(
    {
      namespace: 'payments',
      name: 'ledger-worker-7f9c5d6b8d-vv7hz',
      labels: { app: 'ledger-worker', 'pod-template-hash': '7f9c5d6b8d' },
      owner: { kind: 'ReplicaSet', name: 'ledger-worker-7f9c5d6b8d' },
      annotations: { [IMAGE_PULL_ANNOTATION]: 'fail' },
      containers: [
        {
          name: 'worker',
          image: 'ghcr.io/podapi-demo/ledger-worker:4.3.0-rc1',
          requests: { cpu: '100m', memory: '128Mi' },
        },
      ],
      nodeName: WORKERS[0],
      ageMs: 25 * 60_000,
    },
    'ImagePullBackOff',
  );

  // batch: jobs.
  add(
    {
      namespace: 'batch',
      name: 'nightly-report-29034720-8xq2m',
      labels: {
        'batch.kubernetes.io/job-name': 'nightly-report-29034720',
        'job-name': 'nightly-report-29034720',
        'batch.kubernetes.io/controller-uid': stableUid('job/nightly-report'),
      },
      owner: { kind: 'Job', name: 'nightly-report-29034720' },
      containers: [
        { name: 'report', image: 'busybox:1.37', command: ['sh', '-c', 'generate-report --date yesterday'] },
      ],
      restartPolicy: 'Never',
      nodeName: WORKERS[1],
      ageMs: 7 * HOUR,
    },
    'Completed',
  );
  add(
    {
      namespace: 'batch',
      name: 'export-orders-28996200-kzl5d',
      labels: { 'batch.kubernetes.io/job-name': 'export-orders-28996200', 'job-name': 'export-orders-28996200' },
      owner: { kind: 'Job', name: 'export-orders-28996200' },
      containers: [{ name: 'export', image: 'ghcr.io/podapi-demo/batch-export:1.0.3' }],
      restartPolicy: 'Never',
      nodeName: WORKERS[2],
      ageMs: 31 * HOUR,
    },
    'Error',
    { exitCode: 2 },
  );
  add(
    {
      namespace: 'batch',
      name: 'train-model-6qfx9',
      labels: { 'batch.kubernetes.io/job-name': 'train-model', 'job-name': 'train-model' },
      owner: { kind: 'Job', name: 'train-model' },
      containers: [
        {
          name: 'train',
          image: 'ghcr.io/podapi-demo/trainer:0.9.1',
          requests: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '1' },
          limits: { 'nvidia.com/gpu': '1' },
        },
      ],
      restartPolicy: 'OnFailure',
      nodeSelector: { accelerator: 'nvidia-a100' },
      ageMs: 40 * 60_000,
    },
    'Unschedulable',
    {
      message:
        "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.",
    },
  );

  // monitoring.
  add(
    {
      namespace: 'monitoring',
      name: 'prometheus-0',
      labels: { app: 'prometheus', 'statefulset.kubernetes.io/pod-name': 'prometheus-0' },
      owner: { kind: 'StatefulSet', name: 'prometheus' },
      containers: [
        {
          name: 'prometheus',
          image: 'quay.io/prometheus/prometheus:v3.1.0',
          ports: [9090],
          requests: { cpu: '200m', memory: '512Mi' },
        },
        {
          name: 'config-reloader',
          image: 'quay.io/prometheus-operator/prometheus-config-reloader:v0.79.2',
          requests: { cpu: '10m', memory: '16Mi' },
        },
      ],
      nodeName: WORKERS[0],
      ageMs: 11 * DAY,
    },
    'Running',
    { restarts: 2, lastRestartAt: new Date(now.getTime() - 4 * DAY) },
  );
  WORKERS.forEach((node, index) =>
    add(
      {
        namespace: 'monitoring',
        name: `node-exporter-${['5gq8k', 'lz2wr', 'p9vxd'][index]}`,
        labels: { app: 'node-exporter', 'controller-revision-hash': '6f7d9c8b4f' },
        owner: { kind: 'DaemonSet', name: 'node-exporter' },
        containers: [{ name: 'node-exporter', image: 'quay.io/prometheus/node-exporter:v1.8.2', ports: [9100] }],
        nodeName: node,
        ageMs: 11 * DAY,
      },
      'Running',
      { podIP: hostIP(node) },
    ),
  );
  return { namespaces, nodes, pods, events: demoEvents(pods, now) };
}

/**
 * The events a cluster would still hold for the demo pods (the API server keeps them an hour): the crash loop's
 * back-offs and restarts, the failing image pulls.
 */
function demoEvents(pods: KubePod[], now: Date): KubeCoreEvent[] {
  const events: KubeCoreEvent[] = [];
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const kubelet = (
    pod: KubePod,
    container: string,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    count: number,
    firstMs: number,
    lastMs: number,
  ) => {
    const node = pod.spec.nodeName ?? '';
    events.push({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${pod.metadata.name}.${(ago(firstMs).getTime() * 1_000_000 + events.length).toString(16)}`,
        namespace: pod.metadata.namespace,
        creationTimestamp: formatTime(ago(firstMs)),
      },
      involvedObject: {
        kind: 'Pod',
        namespace: pod.metadata.namespace,
        name: pod.metadata.name,
        uid: pod.metadata.uid,
        apiVersion: 'v1',
        resourceVersion: '1',
        fieldPath: `spec.containers{${container}}`,
      },
      reason,
      message,
      source: { component: 'kubelet', host: node },
      firstTimestamp: formatTime(ago(firstMs)),
      lastTimestamp: formatTime(ago(lastMs)),
      count,
      type,
      eventTime: null,
      reportingComponent: 'kubelet',
      reportingInstance: node,
    });
  };
  const find = (name: string) => pods.find((pod) => pod.metadata.name === name);
  const checkout = find('checkout-api-6d4f8b9c7a-xk2vb');
  if (checkout) {
    const image = checkout.spec.containers[0].image ?? '';
    const backOff = `Back-off restarting failed container api in pod ${checkout.metadata.name}_${checkout.metadata.namespace}(${checkout.metadata.uid})`;
    kubelet(
      checkout,
      'api',
      'Normal',
      'Pulled',
      `Container image "${image}" already present on machine`,
      12,
      58 * 60_000,
      3 * 60_000,
    );
    kubelet(checkout, 'api', 'Normal', 'Created', 'Created container: api', 12, 58 * 60_000, 3 * 60_000);
    kubelet(checkout, 'api', 'Normal', 'Started', 'Started container api', 12, 58 * 60_000, 3 * 60_000);
    kubelet(checkout, 'api', 'Warning', 'BackOff', backOff, 263, 58 * 60_000, 40_000);
  }
  const ledger = find('ledger-worker-7f9c5d6b8d-vv7hz');
  if (ledger) {
    const image = ledger.spec.containers[0].image ?? '';
    const reference = `ghcr.io/podapi-demo/ledger-worker:4.3.0-rc1`;
    events.push({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${ledger.metadata.name}.${(ago(25 * 60_000).getTime() * 1_000_000).toString(16)}`,
        namespace: ledger.metadata.namespace,
        creationTimestamp: formatTime(ago(25 * 60_000)),
      },
      involvedObject: {
        kind: 'Pod',
        namespace: ledger.metadata.namespace,
        name: ledger.metadata.name,
        uid: ledger.metadata.uid,
        apiVersion: 'v1',
        resourceVersion: '1',
      },
      reason: 'Scheduled',
      message: `Successfully assigned ${ledger.metadata.namespace}/${ledger.metadata.name} to ${ledger.spec.nodeName}`,
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      type: 'Normal',
      eventTime: formatMicroTime(ago(25 * 60_000)),
      action: 'Binding',
      reportingComponent: 'default-scheduler',
      reportingInstance: 'default-scheduler-sandbox-control-plane',
    });
    kubelet(ledger, 'worker', 'Normal', 'Pulling', `Pulling image "${image}"`, 9, 25 * 60_000, 90_000);
    kubelet(
      ledger,
      'worker',
      'Warning',
      'Failed',
      `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${reference}": failed to resolve reference "${reference}": ${reference}: not found`,
      9,
      25 * 60_000,
      90_000,
    );
    kubelet(ledger, 'worker', 'Warning', 'Failed', 'Error: ErrImagePull', 9, 25 * 60_000, 90_000);
    kubelet(ledger, 'worker', 'Normal', 'BackOff', `Back-off pulling image "${image}"`, 104, 25 * 60_000, 20_000);
    kubelet(ledger, 'worker', 'Warning', 'Failed', 'Error: ImagePullBackOff', 104, 25 * 60_000, 20_000);
  }
  const training = find('train-model-6qfx9');
  const trainingCondition = training?.status?.conditions?.find((condition) => condition.type === 'PodScheduled');
  if (training && trainingCondition) {
    events.push({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${training.metadata.name}.${(ago(40 * 60_000).getTime() * 1_000_000).toString(16)}`,
        namespace: training.metadata.namespace,
        creationTimestamp: formatTime(ago(40 * 60_000)),
      },
      involvedObject: {
        kind: 'Pod',
        namespace: training.metadata.namespace,
        name: training.metadata.name,
        uid: training.metadata.uid,
        apiVersion: 'v1',
        resourceVersion: '1',
      },
      reason: 'FailedScheduling',
      message: trainingCondition.message,
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      type: 'Warning',
      eventTime: formatMicroTime(ago(40 * 60_000)),
      series: { count: 9, lastObservedTime: formatMicroTime(ago(4 * 60_000)) },
      action: 'Scheduling',
      reportingComponent: 'default-scheduler',
      reportingInstance: 'default-scheduler-sandbox-control-plane',
    });
  }
  return events;
}
