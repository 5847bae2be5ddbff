import { asciicastEvent, asciicastHeader, resizeData } from './asciicast.js';

// The asciicast v2 format: https://docs.asciinema.org/manual/asciicast/v2/ — one JSON object (the header), then one
// JSON array per event, `[time, code, data]`, each on its own line.
describe(asciicastHeader.name, () => {
  it.each([
    {
      header: { width: 120, height: 40, timestamp: 1_767_225_600 },
      line: '{"version":2,"width":120,"height":40,"timestamp":1767225600}\n',
    },
    {
      header: { width: 80, height: 24, timestamp: 1_767_225_600, title: 'prod/shop/web-0 nginx "x"' },
      line: '{"version":2,"width":80,"height":24,"timestamp":1767225600,"title":"prod/shop/web-0 nginx \\"x\\""}\n',
    },
  ])('$header → $line', ({ header, line }) => {
    expect(asciicastHeader(header)).toBe(line);
  });
});

describe(asciicastEvent.name, () => {
  it.each([
    { seconds: 0, code: 'o', data: '$ ', line: '[0,"o","$ "]\n' },
    { seconds: 1.5, code: 'o', data: 'héllo ✓ 😀\r\n', line: '[1.5,"o","héllo ✓ 😀\\r\\n"]\n' },
    {
      seconds: 2,
      code: 'o',
      data: '\u001b[1;32mok\u001b[0m\t"q" \\',
      line: '[2,"o","\\u001b[1;32mok\\u001b[0m\\t\\"q\\" \\\\"]\n',
    },
    { seconds: 3.25, code: 'i', data: 'ls -la\r', line: '[3.25,"i","ls -la\\r"]\n' },
    { seconds: 4, code: 'r', data: '100x50', line: '[4,"r","100x50"]\n' },
    // Microseconds, as asciinema writes them; float noise rounded away.
    { seconds: 1.23456789, code: 'o', data: 'x', line: '[1.234568,"o","x"]\n' },
    { seconds: 0.1 + 0.2, code: 'o', data: 'x', line: '[0.3,"o","x"]\n' },
    { seconds: 0.0000004, code: 'o', data: 'x', line: '[0,"o","x"]\n' },
    { seconds: 0.000001, code: 'o', data: 'x', line: '[0.000001,"o","x"]\n' },
    { seconds: 86_400.000_001, code: 'o', data: 'x', line: '[86400.000001,"o","x"]\n' },
    // A clock that stepped back never writes a time before the recording's start.
    { seconds: -0.5, code: 'o', data: 'x', line: '[0,"o","x"]\n' },
  ] as const)('$seconds s $code $data', ({ seconds, code, data, line }) => {
    expect(asciicastEvent(seconds, code, data)).toBe(line);
    expect(JSON.parse(line)).toEqual([expect.any(Number), code, data]);
  });

  it('keeps a line break inside the data escaped, so each event stays one line', () => {
    expect(asciicastEvent(1, 'o', 'a\nb\u2028c').split('\n')).toEqual(['[1,"o","a\\nb\u2028c"]', '']);
  });
});

describe(resizeData.name, () => {
  it.each([
    { cols: 80, rows: 24, data: '80x24' },
    { cols: 1000, rows: 1, data: '1000x1' },
  ])('$cols × $rows → $data', ({ cols, rows, data }) => {
    expect(resizeData(cols, rows)).toBe(data);
  });
});
