import { echoEscapes, printfFormat } from './printf-format.js';

describe(printfFormat.name, () => {
  it.each([
    { format: 'plain\\n', args: [], output: 'plain\n' },
    { format: '%s=%d\\n', args: ['a', '1', 'b', '2'], output: 'a=1\nb=2\n' },
    { format: '[%5s][%-5s][%.2s]', args: ['ab', 'cd', 'xyz'], output: '[   ab][cd   ][xy]' },
    { format: '%05d|%+d|%x|%X|%o|%#x', args: ['42', '7', '255', '255', '8', '255'], output: '00042|+7|ff|FF|10|0xff' },
    { format: '%.3f|%e|%g', args: ['3.14159', '1500', '0.0001'], output: '3.142|1.500000e+03|0.0001' },
    { format: '%c%c', args: ['hello', 'world'], output: 'hw' },
    { format: '%b', args: ['a\\tb'], output: 'a\tb' },
    { format: '%d%%', args: ['50'], output: '50%' },
    { format: '%s and %s\\n', args: ['one'], output: 'one and \n' },
    { format: '%d', args: ["'A"], output: '65' },
    { format: '\\101\\x42', args: [], output: 'AB' },
  ])('printf $format $args', ({ format, args, output }) => {
    expect(printfFormat(format, args)).toEqual({ output, errors: [] });
  });

  it('reports an invalid number and prints 0 for it', () => {
    expect(printfFormat('%d\\n', ['12abc'])).toEqual({ output: '12\n', errors: ["printf: invalid number '12abc'"] });
  });
});

describe(echoEscapes.name, () => {
  it.each([
    { text: 'a\\nb', result: { text: 'a\nb', stop: false } },
    { text: '\\0101', result: { text: 'A', stop: false } },
    { text: 'stop\\chere', result: { text: 'stop', stop: true } },
    { text: 'keep \\q', result: { text: 'keep \\q', stop: false } },
  ])('$text', ({ text, result }) => {
    expect(echoEscapes(text)).toEqual(result);
  });
});
