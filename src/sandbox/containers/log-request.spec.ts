import type { KubePod } from '../../common/kube/kube-objects.js';
import { aPod, containerState } from '../../../test/helpers/pod-builder.js';
import { KubeStatusError } from '../kube-status-error.js';
import { parseLogRequest } from './log-request.js';

function statusOf(pod: KubePod, query: string): KubeStatusError['status'] {
  try {
    parseLogRequest(pod, new URLSearchParams(query));
  } catch (error) {
    if (error instanceof KubeStatusError) return error.status;
    throw error;
  }
  throw new Error(`no error for ?${query}`);
}

const running = aPod('web-0').onNode('node-1').running().build();
const twoContainers = aPod('web-0')
  .onNode('node-1')
  .withInitContainers('init')
  .withContainers('app', 'proxy')
  .running()
  .build();

describe(parseLogRequest.name, () => {
  describe('reads the options as the API server decodes them', () => {
    it.each([
      { query: '', expected: { follow: false, timestamps: false } },
      { query: 'follow=true&timestamps=1', expected: { follow: true, timestamps: true } },
      { query: 'follow=false&timestamps=0', expected: { follow: false, timestamps: false } },
      // Go's bool conversion: anything but 0/false, even empty, is true.
      { query: 'follow=&timestamps=yes', expected: { follow: true, timestamps: true } },
      {
        query: 'tailLines=0&limitBytes=1',
        expected: { follow: false, timestamps: false, tailLines: 0, limitBytes: 1 },
      },
      { query: 'sinceSeconds=%2B60', expected: { follow: false, timestamps: false, sinceSeconds: 60 } },
      // The API server forwards sinceTime to the kubelet without its fraction.
      {
        query: 'sinceTime=2026-01-01T00:00:05.900Z',
        expected: { follow: false, timestamps: false, sinceTime: new Date('2026-01-01T00:00:05Z') },
      },
    ])('?$query', ({ query, expected }) => {
      expect(parseLogRequest(running, new URLSearchParams(query)).query).toEqual(expected);
    });
  });

  describe('answers bad values with the API server texts', () => {
    it.each([
      { query: 'tailLines=ten', code: 400, message: 'strconv.ParseInt: parsing "ten": invalid syntax' },
      { query: 'sinceSeconds=', code: 400, message: 'strconv.ParseInt: parsing "": invalid syntax' },
      {
        query: 'limitBytes=99999999999999999999',
        code: 400,
        message: 'strconv.ParseInt: parsing "99999999999999999999": value out of range',
      },
      {
        query: 'sinceTime=yesterday',
        code: 400,
        message: 'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
      },
      {
        query: 'tailLines=-1',
        code: 422,
        message: 'PodLogOptions "web-0" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0',
      },
      {
        query: 'limitBytes=0',
        code: 422,
        message: 'PodLogOptions "web-0" is invalid: limitBytes: Invalid value: 0: must be greater than 0',
      },
      {
        query: 'sinceSeconds=0',
        code: 422,
        message: 'PodLogOptions "web-0" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0',
      },
      {
        query: 'sinceSeconds=10&sinceTime=2026-01-01T00:00:00Z',
        code: 422,
        message:
          'PodLogOptions "web-0" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified',
      },
      {
        query: 'tailLines=-1&limitBytes=-5',
        code: 422,
        message:
          'PodLogOptions "web-0" is invalid: [tailLines: Invalid value: -1: must be greater than or equal to 0, limitBytes: Invalid value: -5: must be greater than 0]',
      },
    ])('?$query → $code', ({ query, code, message }) => {
      const status = statusOf(running, query);
      expect(status.code).toBe(code);
      expect(status.message).toBe(message);
      expect(status.reason).toBe(code === 400 ? 'BadRequest' : 'Invalid');
    });

    it('lists each invalid field as a cause', () => {
      expect(statusOf(running, 'tailLines=-1').details).toEqual({
        name: 'web-0',
        kind: 'PodLogOptions',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: -1: must be greater than or equal to 0',
            field: 'tailLines',
          },
        ],
      });
    });
  });

  describe('chooses the container', () => {
    it('takes the only container when none is named', () => {
      expect(parseLogRequest(running, new URLSearchParams()).container).toBe('app');
    });

    it('takes the only container even beside init containers', () => {
      const pod = aPod('web-0').onNode('node-1').withInitContainers('init').running().build();
      expect(parseLogRequest(pod, new URLSearchParams()).container).toBe('app');
    });

    it.each([
      {
        pod: twoContainers,
        query: '',
        message: 'a container name must be specified for pod web-0, choose one of: [init app proxy]',
      },
      { pod: running, query: 'container=db', message: 'container db is not valid for pod web-0' },
    ])('?$query → $message', ({ pod, query, message }) => {
      expect(statusOf(pod, query)).toMatchObject({ code: 400, reason: 'BadRequest', message });
    });

    it('accepts an init container by name', () => {
      expect(parseLogRequest(twoContainers, new URLSearchParams('container=init')).container).toBe('init');
    });
  });

  describe('picks the instance the kubelet reads, or its refusal', () => {
    it('reads the running instance, numbered by restartCount', () => {
      const pod = aPod('web-0')
        .onNode('node-1')
        .withContainerStatus('app', containerState.running({ restartCount: 2 }))
        .running()
        .build();
      expect(parseLogRequest(pod, new URLSearchParams()).instance).toEqual({
        podUid: 'uid-default-web-0',
        container: 'app',
        restartCount: 2,
      });
      const previous = aPod('web-0')
        .onNode('node-1')
        .withContainerStatus(
          'app',
          containerState.running({ restartCount: 2, lastTerminatedAt: '2026-01-01T00:10:00Z' }),
        )
        .running()
        .build();
      expect(parseLogRequest(previous, new URLSearchParams('previous=true')).instance?.restartCount).toBe(1);
    });

    it('reads the instance that last ran while a crash-looping container waits, with or without previous', () => {
      const pod = aPod('web-0').onNode('node-1').crashLooping(5).build();
      expect(parseLogRequest(pod, new URLSearchParams()).instance?.restartCount).toBe(5);
      expect(parseLogRequest(pod, new URLSearchParams('previous=1')).instance?.restartCount).toBe(5);
    });

    it('reads a terminated instance', () => {
      const pod = aPod('job-1').onNode('node-1').completed().build();
      expect(parseLogRequest(pod, new URLSearchParams()).instance?.restartCount).toBe(0);
    });

    it('answers an empty log for a pod on no node (no kubelet to ask)', () => {
      const pod = aPod('web-0').pending().build();
      expect(parseLogRequest(pod, new URLSearchParams()).instance).toBeNull();
    });

    it.each([
      {
        name: 'no previous run',
        pod: running,
        query: 'previous=true',
        message: 'previous terminated container "app" in pod "web-0" not found',
      },
      {
        name: 'still creating',
        pod: aPod('web-0').onNode('node-1').containerCreating().build(),
        query: '',
        message: 'container "app" in pod "web-0" is waiting to start: ContainerCreating',
      },
      {
        name: 'image pull backing off',
        pod: aPod('web-0')
          .onNode('node-1')
          .withContainerStatus('app', containerState.waiting('ImagePullBackOff'))
          .running()
          .build(),
        query: '',
        message: 'container "app" in pod "web-0" is waiting to start: trying and failing to pull image',
      },
      {
        name: 'image not pullable',
        pod: aPod('web-0')
          .onNode('node-1')
          .withContainerStatus('app', containerState.waiting('ErrImagePull'))
          .running()
          .build(),
        query: '',
        message: `container "app" in pod "web-0" is waiting to start: image can't be pulled`,
      },
      {
        name: 'no status yet',
        pod: aPod('web-0').onNode('node-1').pending().build(),
        query: '',
        message: 'container "app" in pod "web-0" is not available',
      },
      {
        name: 'a status without state',
        pod: aPod('web-0').onNode('node-1').withContainerStatus('app', containerState.unknown()).running().build(),
        query: '',
        message: 'container "app" in pod "web-0" is waiting to start - no logs yet',
      },
    ])('$name → $message', ({ pod, query, message }) => {
      expect(statusOf(pod, query)).toMatchObject({ code: 400, reason: 'BadRequest', message });
    });
  });
});
