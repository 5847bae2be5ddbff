/**
 * READY, STATUS and RESTARTS as kubectl prints them (printPod, Kubernetes v1.35-era printers.go; see pod-status.ts).
 *
 * The first rows restate TestPrintPod, TestPrintPodWithRestartableInitContainer and TestPrintPodConditions of
 * kubernetes/kubernetes pkg/printers/internalversion/printers_test.go (phases such as "podPhase" are theirs:
 * printPod prints any phase it is given); the others are traced through printPod for the states the service must
 * show. RESTARTS "3 (10s ago)" in kubectl is `restarts: 3` here, with `lastRestartAt` the time it counts from.
 */
import type { KubePod } from '../common/kube/kube-objects.js';
import { aPod, containerState as is, DELETION_REQUESTED_AT, LAST_RESTART_AT } from '../../test/helpers/pod-builder.js';
import { describePodRow, podDisplayStatus, podReadiness, podRestarts } from './pod-status.js';

// Restart times, earliest first.
const T20D = '2025-12-12T00:00:00Z';
const T10D = '2025-12-22T00:00:00Z';
const T5D = '2025-12-27T00:00:00Z';
const T2M = '2026-01-01T00:08:00Z';
const T20S = '2026-01-01T00:09:40Z';
const T10S = '2026-01-01T00:09:50Z';

interface Row {
  name: string;
  pod: KubePod;
  status: string;
  ready: string;
  restarts: number;
  lastRestartAt?: string;
}

const fromPrintersTest: Row[] = [
  {
    name: 'TestPrintPod test1: the phase when no container says otherwise',
    pod: aPod()
      .withContainers('a', 'b')
      .withPhase('podPhase')
      .withContainerStatus('a', is.running({ restartCount: 3 }))
      .withContainerStatus('b', is.unknown({ restartCount: 3 }))
      .build(),
    status: 'podPhase',
    ready: '1/2',
    restarts: 6,
  },
  {
    name: 'test2: a waiting container overwrites the phase',
    pod: aPod()
      .withContainers('a', 'b')
      .withPhase('podPhase')
      .withContainerStatus('a', is.running({ restartCount: 3 }))
      .withContainerStatus('b', is.waiting('ContainerWaitingReason', { restartCount: 3 }))
      .build(),
    status: 'ContainerWaitingReason',
    ready: '1/2',
    restarts: 6,
  },
  {
    name: 'test3: the first container overwrites the ones after it',
    pod: aPod()
      .withContainers('a', 'b')
      .withPhase('podPhase')
      .withContainerStatus('a', is.waiting('ContainerWaitingReason', { restartCount: 3 }))
      .withContainerStatus('b', is.terminated(0, 'ContainerTerminatedReason', { restartCount: 3 }))
      .build(),
    status: 'ContainerWaitingReason',
    ready: '0/2',
    restarts: 6,
  },
  {
    name: 'test4: ready without a running state is not counted ready',
    pod: aPod()
      .withContainers('a', 'b')
      .withPhase('podPhase')
      .withContainerStatus('a', is.running({ restartCount: 3 }))
      .withContainerStatus('b', is.unknown({ ready: true, restartCount: 3 }))
      .build(),
    status: 'podPhase',
    ready: '1/2',
    restarts: 6,
  },
  {
    name: 'test5: status.reason wins over the phase',
    pod: aPod()
      .withContainers('a', 'b')
      .withPhase('podPhase')
      .withReason('podReason')
      .withContainerStatus('a', is.running({ restartCount: 3 }))
      .withContainerStatus('b', is.unknown({ ready: true, restartCount: 3 }))
      .build(),
    status: 'podReason',
    ready: '1/2',
    restarts: 6,
  },
  {
    name: 'test6: one container completed, one running, no Ready condition → NotReady',
    pod: aPod()
      .withContainers('a', 'b')
      .withPhase('Running')
      .withContainerStatus('a', is.terminated(0, 'Completed', { ready: true, restartCount: 3 }))
      .withContainerStatus('b', is.running({ restartCount: 3 }))
      .build(),
    status: 'NotReady',
    ready: '1/2',
    restarts: 6,
  },
  {
    name: 'test6: one container completed, one running, Ready=True → Running',
    pod: aPod()
      .withContainers('a', 'b')
      .withPhase('Running')
      .withCondition('Ready', 'True')
      .withContainerStatus('a', is.terminated(0, 'Completed', { ready: true, restartCount: 3 }))
      .withContainerStatus('b', is.running({ restartCount: 3 }))
      .build(),
    status: 'Running',
    ready: '1/2',
    restarts: 6,
  },
  {
    name: 'test7: an init container restarting',
    pod: aPod()
      .withInitContainers('init')
      .withPhase('podPhase')
      .withInitContainerStatus('init', is.running({ ready: false, restartCount: 3, lastTerminatedAt: T10S }))
      .withContainerStatus('app', is.waiting())
      .build(),
    status: 'Init:0/1',
    ready: '0/1',
    restarts: 3,
    lastRestartAt: T10S,
  },
  {
    name: 'test8: the first of two init containers restarting',
    pod: aPod()
      .withInitContainers('init-1', 'init-2')
      .withPhase('podPhase')
      .withInitContainerStatus('init-1', is.running({ ready: false, restartCount: 3, lastTerminatedAt: T10S }))
      .withInitContainerStatus('init-2', is.waiting())
      .withContainerStatus('app', is.waiting())
      .build(),
    status: 'Init:0/2',
    ready: '0/1',
    restarts: 3,
    lastRestartAt: T10S,
  },
  {
    name: 'test9: the second init container restarting after the first completed',
    pod: aPod()
      .withInitContainers('init-1', 'init-2')
      .withPhase('podPhase')
      .withInitContainerStatus('init-1', is.terminated(0))
      .withInitContainerStatus('init-2', is.running({ ready: false, restartCount: 3, lastTerminatedAt: T10S }))
      .withContainerStatus('app', is.waiting())
      .build(),
    status: 'Init:1/2',
    ready: '0/1',
    restarts: 3,
    lastRestartAt: T10S,
  },
  {
    name: 'test10: restarts of every init container run so far add up',
    pod: aPod()
      .withInitContainers('init-1', 'init-2')
      .withPhase('podPhase')
      .withInitContainerStatus('init-1', is.terminated(0, undefined, { restartCount: 2, lastTerminatedAt: T2M }))
      .withInitContainerStatus('init-2', is.running({ ready: false, restartCount: 3, lastTerminatedAt: T10S }))
      .withContainerStatus('app', is.waiting())
      .build(),
    status: 'Init:1/2',
    ready: '0/1',
    restarts: 5,
    lastRestartAt: T10S,
  },
  {
    name: 'test11: once initialized, only the containers restarts count',
    pod: aPod()
      .withInitContainers('init')
      .withPhase('Running')
      .withInitContainerStatus('init', is.terminated(0, undefined, { restartCount: 2, lastTerminatedAt: T2M }))
      .withContainerStatus('app', is.running({ ready: false, restartCount: 4, lastTerminatedAt: T20S }))
      .build(),
    status: 'Running',
    ready: '0/1',
    restarts: 4,
    lastRestartAt: T20S,
  },
  {
    name: 'test12: one container restarted 5 days ago',
    pod: aPod()
      .withPhase('Running')
      .withContainerStatus('app', is.running({ restartCount: 3, lastTerminatedAt: T5D }))
      .build(),
    status: 'Running',
    ready: '1/1',
    restarts: 3,
    lastRestartAt: T5D,
  },
  {
    name: 'test13: one container never restarted, the other 10 days ago',
    pod: aPod()
      .withContainers('a', 'b')
      .withPhase('Running')
      .withContainerStatus('a', is.running())
      .withContainerStatus('b', is.running({ restartCount: 3, lastTerminatedAt: T10D }))
      .build(),
    status: 'Running',
    ready: '2/2',
    restarts: 3,
    lastRestartAt: T10D,
  },
  {
    name: 'test14: the most recent restart of any container',
    pod: aPod()
      .withContainers('a', 'b')
      .withPhase('Running')
      .withContainerStatus('a', is.running({ restartCount: 6, lastTerminatedAt: T5D }))
      .withContainerStatus('b', is.running({ restartCount: 3, lastTerminatedAt: T20D }))
      .build(),
    status: 'Running',
    ready: '2/2',
    restarts: 9,
    lastRestartAt: T5D,
  },
  {
    name: 'test15: PodScheduled=False with reason SchedulingGated',
    pod: aPod()
      .withContainers('a', 'b')
      .withPhase('podPhase')
      .withCondition('PodScheduled', 'False', 'SchedulingGated')
      .build(),
    status: 'SchedulingGated',
    ready: '0/2',
    restarts: 0,
  },
  {
    name: 'test16: succeeded',
    pod: aPod().withPhase('Succeeded').withContainerStatus('app', is.terminated(0, 'Completed')).build(),
    status: 'Completed',
    ready: '0/1',
    restarts: 0,
  },
  {
    name: 'test17: failed',
    pod: aPod().withPhase('Failed').withContainerStatus('app', is.terminated(1, 'Error')).build(),
    status: 'Error',
    ready: '0/1',
    restarts: 0,
  },
  {
    name: 'test18: a succeeded pod being deleted is not Terminating',
    pod: aPod().terminating().withPhase('Succeeded').withContainerStatus('app', is.terminated(0, 'Completed')).build(),
    status: 'Completed',
    ready: '0/1',
    restarts: 0,
  },
  {
    name: 'test19: a running pod being deleted',
    pod: aPod()
      .terminating()
      .withPhase('Running')
      .withContainerStatus('app', is.running({ ready: false }))
      .build(),
    status: 'Terminating',
    ready: '0/1',
    restarts: 0,
  },
  {
    name: 'test20: a pending pod being deleted',
    pod: aPod().terminating().withPhase('Pending').build(),
    status: 'Terminating',
    ready: '0/1',
    restarts: 0,
  },
  {
    name: 'RestartableInitContainer test1: the first sidecar running but not started',
    pod: aPod()
      .withSidecar('sidecar-1')
      .withSidecar('sidecar-2')
      .withPhase('Pending')
      .withCondition('Initialized', 'False')
      .withInitContainerStatus(
        'sidecar-1',
        is.running({ ready: false, started: false, restartCount: 3, lastTerminatedAt: T10S }),
      )
      .withInitContainerStatus('sidecar-2', is.waiting())
      .withContainerStatus('app', is.waiting())
      .build(),
    status: 'Init:0/2',
    ready: '0/3',
    restarts: 3,
    lastRestartAt: T10S,
  },
  {
    name: 'RestartableInitContainer test1b: the first sidecar started, the second not yet',
    pod: aPod()
      .withSidecar('sidecar-1')
      .withSidecar('sidecar-2')
      .withPhase('Pending')
      .withCondition('Initialized', 'False')
      .withInitContainerStatus('sidecar-1', is.running({ ready: false, restartCount: 3, lastTerminatedAt: T10S }))
      .withInitContainerStatus('sidecar-2', is.running({ ready: false, started: false }))
      .withContainerStatus('app', is.waiting())
      .build(),
    status: 'Init:1/2',
    ready: '0/3',
    restarts: 3,
    lastRestartAt: T10S,
  },
  {
    name: 'RestartableInitContainer test2: sidecars started, the container running; sidecar restarts count',
    pod: aPod()
      .withSidecar('sidecar-1')
      .withSidecar('sidecar-2')
      .withPhase('Running')
      .withCondition('Initialized', 'True')
      .withInitContainerStatus('sidecar-1', is.running({ ready: false, restartCount: 3, lastTerminatedAt: T10S }))
      .withInitContainerStatus('sidecar-2', is.running({ ready: false }))
      .withContainerStatus('app', is.running({ restartCount: 4, lastTerminatedAt: T20S }))
      .build(),
    status: 'Running',
    ready: '1/3',
    restarts: 7,
    lastRestartAt: T10S,
  },
  {
    name: 'RestartableInitContainer test3: sidecars killed after the container completed',
    pod: aPod()
      .withSidecar('sidecar-1')
      .withSidecar('sidecar-2')
      .withPhase('Succeeded')
      .withCondition('Initialized', 'True')
      .withInitContainerStatus('sidecar-1', is.terminated(137, 'Error', { restartCount: 3, lastTerminatedAt: T10S }))
      .withInitContainerStatus('sidecar-2', is.terminated(137, 'Error'))
      .withContainerStatus('app', is.terminated(0, 'Completed', { restartCount: 4, lastTerminatedAt: T20S }))
      .build(),
    status: 'Completed',
    ready: '0/3',
    restarts: 7,
    lastRestartAt: T10S,
  },
  {
    name: 'RestartableInitContainer test4: statuses of containers the spec does not have',
    pod: aPod()
      .withInitContainers('init1')
      .withSidecar('sidecar1')
      .withContainers('container1')
      .withPhase('Running')
      .withStatus({
        initContainerStatuses: ['initinvalid', 'init1', 'sidecar1'].map((name) => ({
          name,
          ready: false,
          restartCount: 0,
        })),
        containerStatuses: ['containerinvalid', 'container1'].map((name) => ({ name, ready: false, restartCount: 0 })),
      })
      .build(),
    status: 'Init:0/2',
    ready: '0/2',
    restarts: 0,
  },
  {
    name: 'TestPrintPodConditions: a Succeeded phase with a container still running',
    pod: aPod()
      .withContainers('a', 'b')
      .withPhase('Succeeded')
      .withContainerStatus('a', is.running({ restartCount: 3 }))
      .withContainerStatus('b', is.unknown({ restartCount: 3 }))
      .build(),
    status: 'Succeeded',
    ready: '1/2',
    restarts: 6,
  },
  {
    name: 'TestPrintPodConditions: a Failed phase with a container still running',
    pod: aPod()
      .withContainers('a', 'b')
      .withPhase('Failed')
      .withContainerStatus('a', is.running({ restartCount: 3 }))
      .withContainerStatus('b', is.unknown({ restartCount: 3 }))
      .build(),
    status: 'Failed',
    ready: '1/2',
    restarts: 6,
  },
];

const lifecycles: Row[] = [
  { name: 'pending, not scheduled yet', pod: aPod().pending().build(), status: 'Pending', ready: '0/1', restarts: 0 },
  {
    name: 'held back by scheduling gates',
    pod: aPod().schedulingGated('example.com/quota').build(),
    status: 'SchedulingGated',
    ready: '0/1',
    restarts: 0,
  },
  {
    name: 'pulling images',
    pod: aPod().onNode('node-1').withInitContainers('migrate').containerCreating().build(),
    status: 'ContainerCreating',
    ready: '0/1',
    restarts: 0,
  },
  {
    name: 'running and ready, its init container done',
    pod: aPod().onNode('node-1').withInitContainers('migrate').running().build(),
    status: 'Running',
    ready: '1/1',
    restarts: 0,
  },
  {
    name: 'running with a sidecar',
    pod: aPod().onNode('node-1').withSidecar('proxy').running().build(),
    status: 'Running',
    ready: '2/2',
    restarts: 0,
  },
  {
    name: 'crash looping',
    pod: aPod().onNode('node-1').crashLooping(7).build(),
    status: 'CrashLoopBackOff',
    ready: '0/1',
    restarts: 7,
    lastRestartAt: LAST_RESTART_AT,
  },
  {
    name: 'crash looping beside a ready sidecar and a running container',
    pod: aPod().onNode('node-1').withSidecar('proxy').withContainers('app', 'worker').crashLooping(2).build(),
    status: 'CrashLoopBackOff',
    ready: '2/3',
    restarts: 2,
    lastRestartAt: LAST_RESTART_AT,
  },
  { name: 'completed', pod: aPod().completed().build(), status: 'Completed', ready: '0/1', restarts: 0 },
  { name: 'failed', pod: aPod().failed().build(), status: 'Error', ready: '0/1', restarts: 0 },
  { name: 'evicted', pod: aPod().evicted().build(), status: 'Evicted', ready: '0/1', restarts: 0 },
  {
    name: 'being deleted while running',
    pod: aPod().running().terminating().build(),
    status: 'Terminating',
    ready: '1/1',
    restarts: 0,
  },
  {
    name: 'being deleted after it failed',
    pod: aPod().failed().terminating().build(),
    status: 'Error',
    ready: '0/1',
    restarts: 0,
  },
];

const containerStates: Row[] = [
  ...['ContainerCreating', 'CrashLoopBackOff', 'ErrImagePull', 'ImagePullBackOff', 'CreateContainerConfigError'].map(
    (reason): Row => ({
      name: `a container waiting in ${reason}`,
      pod: aPod().running().withContainerStatus('app', is.waiting(reason)).build(),
      status: reason,
      ready: '0/1',
      restarts: 0,
    }),
  ),
  {
    name: 'a container waiting without a reason shows the phase',
    pod: aPod().running().withContainerStatus('app', is.waiting()).build(),
    status: 'Running',
    ready: '0/1',
    restarts: 0,
  },
  {
    name: 'a container killed for memory',
    pod: aPod().failed(137, 'OOMKilled').build(),
    status: 'OOMKilled',
    ready: '0/1',
    restarts: 0,
  },
  {
    name: 'a container terminated by a signal, no reason',
    pod: aPod()
      .running()
      .withContainerStatus('app', is.terminated(137, undefined, { signal: 9 }))
      .build(),
    status: 'Signal:9',
    ready: '0/1',
    restarts: 0,
  },
  {
    name: 'a container exited non-zero, no reason',
    pod: aPod().running().withContainerStatus('app', is.terminated(1)).build(),
    status: 'ExitCode:1',
    ready: '0/1',
    restarts: 0,
  },
  {
    name: 'a running container failing its readiness probe is still Running',
    pod: aPod()
      .running()
      .withCondition('Ready', 'False')
      .withContainerStatus('app', is.running({ ready: false }))
      .build(),
    status: 'Running',
    ready: '0/1',
    restarts: 0,
  },
  {
    name: 'one container crash looping, the other running',
    pod: aPod()
      .withContainers('app', 'worker')
      .running()
      .withContainerStatus('worker', is.waiting('CrashLoopBackOff', { restartCount: 4, lastTerminatedAt: T2M }))
      .build(),
    status: 'CrashLoopBackOff',
    ready: '1/2',
    restarts: 4,
    lastRestartAt: T2M,
  },
  {
    name: 'an evicted pod whose containers were reported lost shows their reason',
    pod: aPod().evicted().withContainerStatus('app', is.terminated(137, 'ContainerStatusUnknown')).build(),
    status: 'ContainerStatusUnknown',
    ready: '0/1',
    restarts: 0,
  },
];

const initContainers: Row[] = [
  {
    name: 'an init container crash looping',
    pod: aPod()
      .withInitContainers('migrate')
      .withPhase('Pending')
      .withInitContainerStatus('migrate', is.waiting('CrashLoopBackOff', { restartCount: 3, lastTerminatedAt: T10S }))
      .withContainerStatus('app', is.waiting('PodInitializing'))
      .build(),
    status: 'Init:CrashLoopBackOff',
    ready: '0/1',
    restarts: 3,
    lastRestartAt: T10S,
  },
  {
    name: 'an init container failed with a reason',
    pod: aPod()
      .withInitContainers('migrate')
      .withPhase('Failed')
      .withInitContainerStatus('migrate', is.terminated(1, 'Error'))
      .build(),
    status: 'Init:Error',
    ready: '0/1',
    restarts: 0,
  },
  {
    name: 'an init container killed by a signal',
    pod: aPod()
      .withInitContainers('migrate')
      .withPhase('Pending')
      .withInitContainerStatus('migrate', is.terminated(137, undefined, { signal: 9 }))
      .build(),
    status: 'Init:Signal:9',
    ready: '0/1',
    restarts: 0,
  },
  {
    name: 'an init container exited non-zero without a reason',
    pod: aPod()
      .withInitContainers('migrate')
      .withPhase('Pending')
      .withInitContainerStatus('migrate', is.terminated(2))
      .build(),
    status: 'Init:ExitCode:2',
    ready: '0/1',
    restarts: 0,
  },
  {
    name: 'an init container waiting in PodInitializing counts as not started',
    pod: aPod()
      .withInitContainers('fetch', 'migrate')
      .withPhase('Pending')
      .withInitContainerStatus('fetch', is.terminated(0, 'Completed'))
      .withInitContainerStatus('migrate', is.waiting('PodInitializing'))
      .build(),
    status: 'Init:1/2',
    ready: '0/1',
    restarts: 0,
  },
  {
    name: 'init done, the containers waiting in PodInitializing',
    pod: aPod()
      .withInitContainers('migrate')
      .withPhase('Pending')
      .withInitContainerStatus('migrate', is.terminated(0, 'Completed'))
      .withContainerStatus('app', is.waiting('PodInitializing'))
      .build(),
    status: 'PodInitializing',
    ready: '0/1',
    restarts: 0,
  },
  {
    name: 'a completed init container restarts no longer count once initialized, nor its restart time',
    pod: aPod()
      .withInitContainers('migrate')
      .withPhase('Running')
      .withInitContainerStatus('migrate', is.terminated(0, 'Completed', { restartCount: 2, lastTerminatedAt: T10S }))
      .withContainerStatus('app', is.running({ restartCount: 1, lastTerminatedAt: T2M }))
      .build(),
    status: 'Running',
    ready: '1/1',
    restarts: 1,
    lastRestartAt: T2M,
  },
  {
    name: 'a sidecar crash looping after initialization keeps its Init: status',
    pod: aPod()
      .withSidecar('proxy')
      .running()
      .withInitContainerStatus('proxy', is.waiting('CrashLoopBackOff', { restartCount: 6, lastTerminatedAt: T10S }))
      .build(),
    status: 'Init:CrashLoopBackOff',
    ready: '1/2',
    restarts: 6,
    lastRestartAt: T10S,
  },
];

const podReasons: Row[] = [
  {
    name: 'NodeLost while being deleted → Unknown',
    pod: aPod().running().withReason('NodeLost').terminating().build(),
    status: 'Unknown',
    ready: '1/1',
    restarts: 0,
  },
  {
    name: 'NodeLost without deletion shows the reason',
    pod: aPod().withPhase('Unknown').withReason('NodeLost').build(),
    status: 'NodeLost',
    ready: '0/1',
    restarts: 0,
  },
  { name: 'phase Unknown', pod: aPod().withPhase('Unknown').build(), status: 'Unknown', ready: '0/1', restarts: 0 },
  {
    name: 'no status at all prints an empty STATUS',
    pod: aPod().withNoLifecycle().build(),
    status: '',
    ready: '0/1',
    restarts: 0,
  },
];

describe(describePodRow.name, () => {
  it.each([...fromPrintersTest, ...lifecycles, ...containerStates, ...initContainers, ...podReasons])(
    '$name → $status $ready $restarts',
    ({ pod, status, ready, restarts, lastRestartAt }) => {
      const row = describePodRow(pod);
      expect({ status: row.status, ready: row.ready, restarts: row.restarts }).toEqual({
        status,
        ready,
        restarts: lastRestartAt === undefined ? { count: restarts } : { count: restarts, lastRestartAt },
      });
    },
  );

  it('reports READY as numbers too', () => {
    const row = describePodRow(aPod().withSidecar('proxy').withContainers('app', 'worker').crashLooping().build());
    expect(row.readiness).toEqual({ ready: 2, total: 3 });
  });

  it('leaves the pod untouched', () => {
    const pod = aPod().withSidecar('proxy').crashLooping().terminating(DELETION_REQUESTED_AT).build();
    const copy = structuredClone(pod);
    describePodRow(pod);
    expect(pod).toEqual(copy);
  });
});

describe('podDisplayStatus, podReadiness, podRestarts', () => {
  it('answer what describePodRow answers', () => {
    const pod = aPod().withSidecar('proxy').withContainers('app', 'worker').crashLooping(3).build();
    expect(podDisplayStatus(pod)).toBe('CrashLoopBackOff');
    expect(podReadiness(pod)).toEqual({ ready: 2, total: 3 });
    expect(podRestarts(pod)).toEqual({ count: 3, lastRestartAt: LAST_RESTART_AT });
  });
});
