import { aPod } from '../../../test/helpers/pod-builder.js';
import { LOG_EVERY_MS_ANNOTATION, LOGS_ANNOTATION, periodicLine, readLogScript } from './log-script.js';

describe(readLogScript.name, () => {
  it.each<{ annotations: Record<string, string>; script: object }>([
    { annotations: {}, script: { startLines: [] } },
    { annotations: { [LOGS_ANNOTATION]: '["a","b"]' }, script: { startLines: ['a', 'b'] } },
    {
      annotations: { [LOGS_ANNOTATION]: '["a","b"]', [LOG_EVERY_MS_ANNOTATION]: '500' },
      script: { startLines: ['a', 'b'], everyMs: 500 },
    },
    {
      annotations: { [LOGS_ANNOTATION]: '["a"]', [LOG_EVERY_MS_ANNOTATION]: '1' },
      script: { startLines: ['a'], everyMs: 10 },
    },
    { annotations: { [LOGS_ANNOTATION]: '["a"]', [LOG_EVERY_MS_ANNOTATION]: 'often' }, script: { startLines: ['a'] } },
    { annotations: { [LOGS_ANNOTATION]: 'not json' }, script: { startLines: [] } },
    { annotations: { [LOGS_ANNOTATION]: '["a", 2]' }, script: { startLines: [] } },
    // Nothing to repeat: no interval.
    { annotations: { [LOG_EVERY_MS_ANNOTATION]: '100' }, script: { startLines: [] } },
  ])('$annotations', ({ annotations, script }) => {
    expect(readLogScript(aPod('web-0').withAnnotations(annotations).build())).toEqual(script);
  });
});

describe(periodicLine.name, () => {
  it('cycles through the lines', () => {
    const script = { startLines: ['a', 'b', 'c'], everyMs: 100 };
    expect([0, 1, 2, 3, 4].map((tick) => periodicLine(script, tick))).toEqual(['a', 'b', 'c', 'a', 'b']);
    expect(periodicLine({ startLines: [] }, 0)).toBeUndefined();
  });
});
