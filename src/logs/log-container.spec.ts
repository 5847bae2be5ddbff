import { aPod } from '../../test/helpers/pod-builder.js';
import { DEFAULT_CONTAINER_ANNOTATION, logContainer } from './log-container.js';

const multi = () => aPod('web').withInitContainers('setup').withContainers('app', 'proxy');

describe(logContainer.name, () => {
  it.each([
    { label: 'the only container', pod: aPod('web'), requested: undefined, expected: 'app' },
    { label: 'the first container of several', pod: multi(), requested: undefined, expected: 'app' },
    {
      label: 'the annotated default container',
      pod: multi().withAnnotations({ [DEFAULT_CONTAINER_ANNOTATION]: 'proxy' }),
      requested: undefined,
      expected: 'proxy',
    },
    {
      label: 'the first container when the annotation names none of the pod’s',
      pod: multi().withAnnotations({ [DEFAULT_CONTAINER_ANNOTATION]: 'missing' }),
      requested: undefined,
      expected: 'app',
    },
    { label: 'a named container', pod: multi(), requested: 'proxy', expected: 'proxy' },
    { label: 'a named init container', pod: multi(), requested: 'setup', expected: 'setup' },
    {
      label: 'a named container over the annotation',
      pod: multi().withAnnotations({ [DEFAULT_CONTAINER_ANNOTATION]: 'proxy' }),
      requested: 'app',
      expected: 'app',
    },
  ])('picks $label', ({ pod, requested, expected }) => {
    expect(logContainer(pod.build(), requested)).toBe(expected);
  });

  it('refuses an unknown container with 400, listing the pod’s containers as kubectl does', () => {
    expect(() => logContainer(multi().build(), 'nope')).toThrow(
      expect.objectContaining({
        status: 400,
        reason: 'BadRequest',
        message: 'container "nope" is not valid for pod "web" out of: app, proxy, setup (init)',
      }),
    );
  });
});
