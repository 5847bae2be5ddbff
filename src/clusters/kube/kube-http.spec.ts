import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { formatBytes, jsonLines, readBody, readBodyPrefix, ResponseTooLargeError } from './kube-http.js';

function chunks(...parts: (string | Buffer)[]): AsyncIterable<Buffer> {
  return Readable.from(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)));
}

async function collect(
  body: AsyncIterable<Buffer>,
  maxLineBytes = 1024,
): Promise<{ values: unknown[]; bad: string[] }> {
  const values: unknown[] = [];
  const bad: string[] = [];
  for await (const value of jsonLines(body, { maxLineBytes, onUnparsable: (line) => bad.push(line) }))
    values.push(value);
  return { values, bad };
}

const euro = Buffer.from('{"v":"€"}\n'); // € is three bytes: e2 82 ac
const eacute = Buffer.from('{"v":"é"}'); // é is two bytes, at 6 and 7

describe(jsonLines.name, () => {
  it.each([
    { name: 'one line per chunk', parts: ['{"a":1}\n', '{"a":2}\n'], expected: [{ a: 1 }, { a: 2 }] },
    { name: 'lines across chunk boundaries', parts: ['{"a"', ':1}\n{"a":', '2}\n'], expected: [{ a: 1 }, { a: 2 }] },
    {
      name: 'several lines in one chunk',
      parts: ['{"a":1}\n{"a":2}\n{"a":3}\n'],
      expected: [{ a: 1 }, { a: 2 }, { a: 3 }],
    },
    { name: 'CRLF line ends', parts: ['{"a":1}\r\n{"a":2}\r', '\n'], expected: [{ a: 1 }, { a: 2 }] },
    { name: 'empty lines', parts: ['\n{"a":1}\n\n\r\n', '\n{"a":2}\n'], expected: [{ a: 1 }, { a: 2 }] },
    { name: 'a last line without newline', parts: ['{"a":1}\n{"a"', ':2}'], expected: [{ a: 1 }, { a: 2 }] },
    {
      name: 'a multi-byte character split across chunks',
      parts: [euro.subarray(0, 7), euro.subarray(7, 8), euro.subarray(8)],
      expected: [{ v: '€' }],
    },
    {
      name: 'a multi-byte character split on the last line',
      parts: [eacute.subarray(0, 7), eacute.subarray(7)],
      expected: [{ v: 'é' }],
    },
  ])('parses $name', async ({ parts, expected }) => {
    await expect(collect(chunks(...parts))).resolves.toEqual({ values: expected, bad: [] });
  });

  it('reports a line that is not JSON and goes on', async () => {
    await expect(collect(chunks('{"a":1}\nnot json\n{"a":2}\n'))).resolves.toEqual({
      values: [{ a: 1 }, { a: 2 }],
      bad: ['not json'],
    });
  });

  it.each([
    { name: 'within one chunk', parts: [`{"a":"${'x'.repeat(100)}"}\n`] },
    { name: 'over many chunks without a newline', parts: Array.from({ length: 20 }, () => 'x'.repeat(10)) },
    { name: 'completed by a newline past the cap', parts: ['x'.repeat(60), `${'x'.repeat(60)}\n{"a":1}\n`] },
  ])('fails on a line over the cap, $name', async ({ parts }) => {
    const values: unknown[] = [];
    const reading = (async () => {
      for await (const value of jsonLines(chunks('{"a":0}\n', ...parts), { maxLineBytes: 100, onUnparsable: () => {} }))
        values.push(value);
    })();
    await expect(reading).rejects.toEqual(new ResponseTooLargeError(100));
    expect(values).toEqual([{ a: 0 }]);
  });

  it('takes a line of exactly the cap', async () => {
    const line = `{"a":"${'x'.repeat(92)}"}`; // 100 bytes
    await expect(collect(chunks(line.slice(0, 50), `${line.slice(50)}\n`), 100)).resolves.toEqual({
      values: [{ a: 'x'.repeat(92) }],
      bad: [],
    });
  });
});

function response(...parts: (string | Buffer)[]): IncomingMessage & { destroyedEarly: () => boolean } {
  let ended = false;
  const stream = Readable.from(
    (function* () {
      for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part;
      ended = true;
    })(),
  ) as unknown as IncomingMessage & { destroyedEarly: () => boolean };
  stream.destroyedEarly = () => stream.destroyed && !ended;
  return stream;
}

describe(readBody.name, () => {
  it('reads a body up to the cap whole', async () => {
    await expect(readBody(response('{"a":', '1}'), 7)).resolves.toBe('{"a":1}');
  });

  it('refuses a body over the cap and stops reading it at once', async () => {
    const body = response('x'.repeat(60), 'x'.repeat(60), 'never read');
    await expect(readBody(body, 100)).rejects.toEqual(new ResponseTooLargeError(100));
    expect(body.destroyedEarly()).toBe(true);
  });
});

describe(readBodyPrefix.name, () => {
  it('reads a short body whole', async () => {
    await expect(readBodyPrefix(response('{"kind":', '"Status"}'), 100)).resolves.toBe('{"kind":"Status"}');
  });

  it('keeps the start of a long body and stops reading it', async () => {
    const body = response('abc', 'def', 'never read');
    await expect(readBodyPrefix(body, 4)).resolves.toBe('abcd');
    expect(body.destroyedEarly()).toBe(true);
  });
});

describe(formatBytes.name, () => {
  it.each([
    { bytes: 64 * 1024 * 1024, expected: '64 MiB' },
    { bytes: 1024 * 1024, expected: '1 MiB' },
    { bytes: 512 * 1024, expected: '512 KiB' },
    { bytes: 1536 * 1024, expected: '1536 KiB' },
    { bytes: 1000, expected: '1000 bytes' },
    { bytes: 1, expected: '1 byte' },
  ])('$bytes → $expected', ({ bytes, expected }) => {
    expect(formatBytes(bytes)).toBe(expected);
  });
});
