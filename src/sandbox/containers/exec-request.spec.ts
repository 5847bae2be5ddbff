import type { KubePod } from '../../common/kube/kube-objects.js';
import { aPod, containerState } from '../../../test/helpers/pod-builder.js';
import { KubeStatusError } from '../kube-status-error.js';
import { type ExecRequest, execRefusal, parseExecRequest } from './exec-request.js';

const pod = aPod('web-0').onNode('node-1').running().build();
const twoContainers = aPod('web-0')
  .onNode('node-1')
  .withContainers('app', 'proxy')
  .withSidecar('mesh')
  .running()
  .build();

function refusedWith(target: KubePod, query: string): KubeStatusError['status'] {
  try {
    parseExecRequest(target, new URLSearchParams(query));
  } catch (error) {
    if (error instanceof KubeStatusError) return error.status;
    throw error;
  }
  throw new Error(`no error for ?${query}`);
}

describe(parseExecRequest.name, () => {
  it('reads repeated command parameters in order, and kubectl- and client-node-style booleans', () => {
    expect(
      parseExecRequest(
        pod,
        new URLSearchParams('command=sh&command=-c&command=echo+%22a+b%22&stdin=true&stdout=1&stderr=false&tty=0'),
      ),
    ).toEqual({
      container: 'app',
      command: ['sh', '-c', 'echo "a b"'],
      stdin: true,
      stdout: true,
      stderr: false,
      tty: false,
    });
  });

  it.each([
    {
      target: twoContainers,
      query: 'command=sh',
      message: 'a container name must be specified for pod web-0, choose one of: [mesh app proxy]',
    },
    { target: pod, query: 'container=db&command=sh', message: 'container db is not valid for pod web-0' },
    {
      target: aPod('web-0').pending().build(),
      query: 'command=sh',
      message: 'pod web-0 does not have a host assigned',
    },
  ])('$message', ({ target, query, message }) => {
    expect(refusedWith(target, query)).toMatchObject({ code: 400, reason: 'BadRequest', message });
  });
});

describe(execRefusal.name, () => {
  const request = (changes: Partial<ExecRequest> = {}): ExecRequest => ({
    container: 'app',
    command: ['sh'],
    stdin: false,
    stdout: true,
    stderr: true,
    tty: false,
    ...changes,
  });

  it.each([
    { name: 'a running container', target: pod, changes: {}, refusal: undefined },
    {
      name: 'no stream at all',
      target: pod,
      changes: { stdout: false, stderr: false },
      refusal: { code: 400, message: 'you must specify at least 1 of stdin, stdout, stderr' },
    },
    {
      name: 'only stderr, with a TTY (which has no stderr)',
      target: pod,
      changes: { stdout: false, tty: true },
      refusal: { code: 400, message: 'you must specify at least 1 of stdin, stdout, stderr' },
    },
    {
      name: 'a container that is not running',
      target: aPod('web-0')
        .onNode('node-1')
        .withContainerStatus('app', containerState.waiting('CrashLoopBackOff'))
        .running()
        .build(),
      changes: {},
      refusal: { code: 500, message: 'container not found ("app")' },
    },
  ])('$name', ({ target, changes, refusal }) => {
    expect(execRefusal(target, request(changes))).toEqual(refusal);
  });
});
