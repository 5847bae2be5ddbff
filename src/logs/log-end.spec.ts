import { aPod, containerState, type ContainerStatusPatch } from '../../test/helpers/pod-builder.js';
import { afterLogEnd, logInstance, type LogInstance } from './log-end.js';

const FIRST = 'containerd://first';
const SECOND = 'containerd://second';

/** The container statuses the kubelet reports, with the run's id where it puts it. */
const run = {
  running: (id: string | undefined, restartCount = 0): ContainerStatusPatch => ({
    ...containerState.running({ restartCount }),
    ...(id ? { containerID: id } : {}),
  }),
  terminated: (id: string | undefined, exitCode = 0, restartCount = 0): ContainerStatusPatch => {
    const status = containerState.terminated(exitCode, exitCode === 0 ? 'Completed' : 'Error', { restartCount });
    return { ...status, state: { terminated: { ...status.state!.terminated!, ...(id ? { containerID: id } : {}) } } };
  },
  backOff: (lastId: string, exitCode = 1, restartCount = 1): ContainerStatusPatch => ({
    ...containerState.waiting('CrashLoopBackOff', { restartCount }),
    lastState: { terminated: { exitCode, containerID: lastId } },
    containerID: lastId,
  }),
};

const web = () => aPod('web').onNode('node-1').running();

/** The first run of `app` in pod `web`, as a stream opened on it records it. */
const first: LogInstance = { uid: 'uid-default-web', container: 'app', restartCount: 0, containerID: FIRST };

describe(logInstance.name, () => {
  it.each([
    {
      label: 'a running container: its run',
      pod: web().withContainerStatus('app', run.running(FIRST, 2)),
      expected: { restartCount: 2, containerID: FIRST },
    },
    {
      label: 'a terminated container: the run that ended',
      pod: web().withContainerStatus('app', run.terminated(FIRST, 1, 3)),
      expected: { restartCount: 3, containerID: FIRST },
    },
    {
      label: 'a container waiting to restart: the run that ended last',
      pod: web().withContainerStatus('app', { ...run.backOff(FIRST, 1, 4), containerID: undefined }),
      expected: { restartCount: 4, containerID: FIRST },
    },
    {
      label: 'a container without a status: no run',
      pod: aPod('web').pending(),
      expected: { restartCount: -1, containerID: undefined },
    },
  ])('records $label', ({ pod, expected }) => {
    expect(logInstance(pod.build(), 'app')).toEqual({ uid: 'uid-default-web', container: 'app', ...expected });
  });
});

describe(afterLogEnd.name, () => {
  it.each([
    { label: 'the pod is gone', pod: undefined, plain: 'PodDeleted', restarts: 'PodDeleted' },
    {
      label: 'a new pod has the name',
      pod: web().withUid('another-uid').withContainerStatus('app', run.running(SECOND)),
      plain: 'PodDeleted',
      restarts: 'PodDeleted',
    },
    {
      label: 'the pod is being deleted',
      pod: web().terminating().withContainerStatus('app', run.terminated(FIRST)),
      plain: 'PodDeleted',
      restarts: 'PodDeleted',
    },
    {
      label: 'the status still shows the run running',
      pod: web().withContainerStatus('app', run.running(FIRST)),
      plain: 'ContainerTerminated',
      restarts: 'wait',
    },
    {
      label: 'the run ended and restartPolicy is Always',
      pod: web().withContainerStatus('app', run.terminated(FIRST, 0)),
      plain: 'ContainerTerminated',
      restarts: 'wait',
    },
    {
      label: 'the run ended and waits in CrashLoopBackOff',
      pod: web().withContainerStatus('app', run.backOff(FIRST)),
      plain: 'ContainerTerminated',
      restarts: 'wait',
    },
    {
      label: 'the run ended and restartPolicy is Never',
      pod: web().withRestartPolicy('Never').withContainerStatus('app', run.terminated(FIRST, 1)),
      plain: 'ContainerTerminated',
      restarts: 'ContainerTerminated',
    },
    {
      label: 'the run succeeded and restartPolicy is OnFailure',
      pod: web().withRestartPolicy('OnFailure').withContainerStatus('app', run.terminated(FIRST, 0)),
      plain: 'ContainerTerminated',
      restarts: 'ContainerTerminated',
    },
    {
      label: 'the run failed and restartPolicy is OnFailure',
      pod: web().withRestartPolicy('OnFailure').withContainerStatus('app', run.terminated(FIRST, 2)),
      plain: 'ContainerTerminated',
      restarts: 'wait',
    },
    {
      label: 'the pod has finished',
      pod: web().withPhase('Failed').withContainerStatus('app', run.terminated(FIRST, 1)),
      plain: 'ContainerTerminated',
      restarts: 'ContainerTerminated',
    },
    {
      label: 'a new run is running',
      pod: web().withContainerStatus('app', run.running(SECOND, 1)),
      plain: 'ContainerTerminated',
      restarts: { kind: 'restarted', restartCount: 1 },
    },
    {
      label: 'a new run has already ended',
      pod: web().withContainerStatus('app', run.terminated(SECOND, 1, 1)),
      plain: 'ContainerTerminated',
      restarts: { kind: 'restarted', restartCount: 1 },
    },
    {
      label: 'the restart is counted while the status still shows the run that ended',
      pod: web().withContainerStatus('app', run.terminated(FIRST, 1, 1)),
      plain: 'ContainerTerminated',
      restarts: 'wait',
    },
    {
      label: 'statuses without ids show a higher restartCount, running',
      pod: web().withContainerStatus('app', run.running(undefined, 1)),
      instance: { ...first, containerID: undefined },
      plain: 'ContainerTerminated',
      restarts: { kind: 'restarted', restartCount: 1 },
    },
    {
      label: 'statuses without ids show the same restartCount, terminated',
      pod: web().withContainerStatus('app', run.terminated(undefined, 1)),
      instance: { ...first, containerID: undefined },
      plain: 'ContainerTerminated',
      restarts: 'wait',
    },
  ])('when $label: $plain, or with followRestarts $restarts', ({ pod, instance, plain, restarts }) => {
    const now = pod?.build();
    const outcome = (expected: string | object) =>
      typeof expected === 'object'
        ? expected
        : expected === 'wait'
          ? { kind: 'wait' }
          : { kind: 'end', reason: expected };
    expect(afterLogEnd(now, instance ?? first, false)).toEqual(outcome(plain));
    expect(afterLogEnd(now, instance ?? first, true)).toEqual(outcome(restarts));
  });

  describe('for init containers and sidecars, with followRestarts', () => {
    const withInit = () => aPod('web').onNode('node-1').withInitContainers('setup').withSidecar('proxy').running();
    const instanceOf = (container: string): LogInstance => ({ ...first, container });

    it.each([
      { label: 'an init container that succeeded', container: 'setup', exitCode: 0, policy: 'Always', expected: 'end' },
      { label: 'an init container that failed', container: 'setup', exitCode: 1, policy: 'Always', expected: 'wait' },
      {
        label: 'an init container that failed in a pod that never restarts',
        container: 'setup',
        exitCode: 1,
        policy: 'Never',
        expected: 'end',
      },
      { label: 'a sidecar that exited', container: 'proxy', exitCode: 0, policy: 'Never', expected: 'wait' },
    ] as const)('$label: $expected', ({ container, exitCode, policy, expected }) => {
      const pod = withInit()
        .withRestartPolicy(policy)
        .withInitContainerStatus(container, run.terminated(FIRST, exitCode))
        .build();
      expect(afterLogEnd(pod, instanceOf(container), true)).toEqual(
        expected === 'wait' ? { kind: 'wait' } : { kind: 'end', reason: 'ContainerTerminated' },
      );
    });
  });
});
