import type { KubePod } from '../../common/kube/kube-objects.js';
import { normalizeImage, podPhase, type ContainerRun, type PodRun } from './pod-status-builder.js';

function container(state: ContainerRun['state'], options: Partial<ContainerRun> = {}): ContainerRun {
  return {
    name: 'c',
    image: 'nginx',
    kind: 'regular',
    restartCount: 0,
    state,
    lastState: {},
    ready: false,
    started: Boolean(state.running),
    ...options,
  };
}

const running = container({ running: { startedAt: '2026-01-01T00:00:00Z' } });
const waiting = container({ waiting: { reason: 'ContainerCreating' } });
const done = container({ terminated: { exitCode: 0, reason: 'Completed' } });
const failed = container({ terminated: { exitCode: 1, reason: 'Error' } });
const backingOff = container(
  { waiting: { reason: 'CrashLoopBackOff' } },
  { restartCount: 3, lastState: { terminated: { exitCode: 1 } } },
);

function run(containers: ContainerRun[], init: ContainerRun[] = [], terminal = false): PodRun {
  return { hostIP: '10.0.0.1', startTime: '', sandboxReady: true, init, containers, terminal };
}

function pod(restartPolicy: string): KubePod {
  return { metadata: { name: 'p' }, spec: { restartPolicy, containers: [{ name: 'c' }] } };
}

// getPhase in pkg/kubelet/kubelet_pods.go (v1.35).
describe(podPhase.name, () => {
  it.each([
    ['Always', [waiting], [], false, 'Pending'],
    ['Always', [running], [], false, 'Running'],
    ['Always', [running, waiting], [], false, 'Pending'],
    ['Always', [backingOff], [], false, 'Running'],
    ['Always', [done], [], false, 'Running'],
    ['Never', [done], [], false, 'Succeeded'],
    ['Never', [done, failed], [], false, 'Failed'],
    ['OnFailure', [failed], [], false, 'Running'],
    ['OnFailure', [done], [], false, 'Succeeded'],
    ['Always', [done], [], true, 'Succeeded'],
    ['Always', [failed], [], true, 'Failed'],
    ['Always', [waiting], [container({ running: {} }, { kind: 'init' })], false, 'Pending'],
    ['Never', [waiting], [container({ terminated: { exitCode: 2 } }, { kind: 'init' })], false, 'Failed'],
    ['Always', [running], [container({ running: {} }, { kind: 'sidecar', started: true })], false, 'Running'],
  ])(
    'restartPolicy %s, containers %j, init %j, terminal %s → %s',
    (restartPolicy, containers, init, terminal, expected) => {
      expect(podPhase(pod(restartPolicy), run(containers, init, terminal))).toBe(expected);
    },
  );
});

describe(normalizeImage.name, () => {
  it.each([
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['bitnami/redis:7', 'docker.io/bitnami/redis:7'],
    ['ghcr.io/org/app:1.0', 'ghcr.io/org/app:1.0'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    ['registry.k8s.io/pause@sha256:abc', 'registry.k8s.io/pause@sha256:abc'],
  ])('%s → %s', (image, expected) => {
    expect(normalizeImage(image)).toBe(expected);
  });
});
