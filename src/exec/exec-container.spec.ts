import { ApiError } from '../common/errors/api-error.js';
import { aPod, containerState as is } from '../../test/helpers/pod-builder.js';
import { DEFAULT_CONTAINER_ANNOTATION } from '../logs/log-container.js';
import { execContainer } from './exec-container.js';

const multi = () => aPod('web').withInitContainers('setup').withContainers('app', 'proxy');

describe(execContainer.name, () => {
  it.each([
    { label: 'the first container', pod: multi().running(), requested: undefined, expected: 'app' },
    {
      label: 'the annotated default container',
      pod: multi()
        .running()
        .withAnnotations({ [DEFAULT_CONTAINER_ANNOTATION]: 'proxy' }),
      requested: undefined,
      expected: 'proxy',
    },
    { label: 'a named container', pod: multi().running(), requested: 'proxy', expected: 'proxy' },
    {
      label: 'a running init container (a sidecar)',
      pod: multi().running().withInitContainerStatus('setup', is.running()),
      requested: 'setup',
      expected: 'setup',
    },
    {
      label: 'a running container of a pod whose other container crashes',
      pod: multi().running().withContainerStatus('app', is.waiting('CrashLoopBackOff')),
      requested: 'proxy',
      expected: 'proxy',
    },
  ])('runs in $label', ({ pod, requested, expected }) => {
    expect(execContainer(pod.build(), requested)).toBe(expected);
  });

  it.each([
    {
      label: 'a container the pod does not have',
      pod: multi().running(),
      requested: 'db',
      error: {
        status: 404,
        reason: 'NotFound',
        message: 'container "db" is not valid for pod "web" out of: app, proxy, setup (init)',
      },
    },
    {
      label: 'a completed pod',
      pod: multi().completed(),
      requested: undefined,
      error: {
        status: 409,
        reason: 'Conflict',
        message: 'cannot exec into a container in a completed pod; current phase is Succeeded',
      },
    },
    {
      label: 'a failed pod',
      pod: multi().failed(2),
      requested: 'proxy',
      error: { status: 409, reason: 'Conflict', message: expect.stringContaining('current phase is Failed') },
    },
    {
      label: 'a terminated container of a running pod',
      pod: multi().running().withContainerStatus('proxy', is.terminated(1, 'Error')),
      requested: 'proxy',
      error: {
        status: 409,
        reason: 'Conflict',
        message: 'container "proxy" of pod "web" is not running (terminated: Error)',
      },
    },
    {
      label: 'a container still being created',
      pod: multi().containerCreating(),
      requested: undefined,
      error: {
        status: 409,
        reason: 'Conflict',
        message: 'container "app" of pod "web" is not running (waiting: ContainerCreating)',
      },
    },
    {
      label: 'a crash-looping container',
      pod: multi().crashLooping(),
      requested: 'app',
      error: {
        status: 409,
        reason: 'Conflict',
        message: 'container "app" of pod "web" is not running (waiting: CrashLoopBackOff)',
      },
    },
    {
      label: 'a pod not started yet (no container status)',
      pod: multi().pending(),
      requested: undefined,
      error: { status: 409, reason: 'Conflict', message: 'container "app" of pod "web" is not running' },
    },
    {
      label: 'a finished init container',
      pod: multi().running(),
      requested: 'setup',
      error: {
        status: 409,
        reason: 'Conflict',
        message: 'container "setup" of pod "web" is not running (terminated: Completed)',
      },
    },
  ])('refuses $label', ({ pod, requested, error }) => {
    const thrown = catchError(() => execContainer(pod.build(), requested));
    expect(thrown).toBeInstanceOf(ApiError);
    expect(thrown).toMatchObject(error);
  });

  it('runs in a running ephemeral container', () => {
    const pod = aPod('web').running().build();
    pod.spec['ephemeralContainers'] = [{ name: 'debugger', image: 'busybox' }];
    pod.status!['ephemeralContainerStatuses'] = [
      { name: 'debugger', ready: false, restartCount: 0, state: { running: {} } },
    ];
    expect(execContainer(pod, 'debugger')).toBe('debugger');
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
