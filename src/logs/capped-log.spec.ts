import { Readable } from 'node:stream';
import { completeUtf8Text, readCappedLog, upstreamLimitBytes } from './capped-log.js';

const chunksOf = (...parts: (string | Buffer)[]) =>
  Readable.from(
    parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)),
    { objectMode: false },
  );

describe(upstreamLimitBytes.name, () => {
  it.each([
    { label: 'no limit asked: one byte past the cap', requested: undefined, expected: 1025 },
    { label: 'a limit under the cap', requested: 10, expected: 10 },
    { label: 'a limit of exactly the cap', requested: 1024, expected: 1024 },
    { label: 'a limit of one byte past the cap', requested: 1025, expected: 1025 },
    { label: 'a limit beyond the cap', requested: 5_000_000, expected: 1025 },
  ])('$label → $expected', ({ requested, expected }) => {
    expect(upstreamLimitBytes(requested, 1024)).toBe(expected);
  });
});

describe(completeUtf8Text.name, () => {
  it.each([
    { label: 'ASCII', bytes: Buffer.from('a\nb\n'), expected: 'a\nb\n' },
    { label: 'CRLF kept as sent', bytes: Buffer.from('a\r\nb'), expected: 'a\r\nb' },
    { label: 'a whole euro sign', bytes: Buffer.from('x€'), expected: 'x€' },
    { label: 'a euro sign cut after one byte', bytes: Buffer.from('x€').subarray(0, 2), expected: 'x' },
    { label: 'a euro sign cut after two bytes', bytes: Buffer.from('x€').subarray(0, 3), expected: 'x' },
    { label: 'an emoji cut after three bytes', bytes: Buffer.from('ok🚀').subarray(0, 5), expected: 'ok' },
    { label: 'a leading byte-order mark kept', bytes: Buffer.from('\ufeffa'), expected: '\ufeffa' },
    { label: 'a byte that is no UTF-8, inside', bytes: Buffer.from([0x61, 0xff, 0x62]), expected: 'a\ufffdb' },
    { label: 'nothing', bytes: Buffer.alloc(0), expected: '' },
  ])('$label', ({ bytes, expected }) => {
    expect(completeUtf8Text(bytes)).toBe(expected);
  });
});

describe(readCappedLog.name, () => {
  it.each([
    { label: 'a log under the cap', parts: ['abc\n', 'def\n'], cap: 16, logs: 'abc\ndef\n', truncated: false },
    { label: 'a log of exactly the cap', parts: ['abcd', 'efgh'], cap: 8, logs: 'abcdefgh', truncated: false },
    { label: 'a log one byte past the cap', parts: ['abcd', 'efghi'], cap: 8, logs: 'abcdefgh', truncated: true },
    {
      label: 'a log far past the cap',
      parts: ['a'.repeat(100), 'b'.repeat(100)],
      cap: 8,
      logs: 'aaaaaaaa',
      truncated: true,
    },
    // "x€€" is x, then E2 82 AC twice: a cap of 5 falls after the second euro sign's first byte.
    { label: 'a cap inside a character', parts: ['x€€'], cap: 5, logs: 'x€', truncated: true },
    { label: 'a cap right after a character', parts: ['x€€'], cap: 4, logs: 'x€', truncated: true },
    {
      label: 'a character split across chunks',
      parts: [Buffer.from([0x78, 0xe2]), Buffer.from([0x82, 0xac])],
      cap: 8,
      logs: 'x€',
      truncated: false,
    },
    { label: 'an empty log', parts: [], cap: 8, logs: '', truncated: false },
  ])('$label', async ({ parts, cap, logs, truncated }) => {
    await expect(readCappedLog(chunksOf(...parts), cap)).resolves.toEqual({ logs, truncated });
  });

  it('stops reading once it holds more than the cap', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Buffer> {
      for (;;) {
        pulled++;
        yield Buffer.alloc(100, 'x');
      }
    }
    const result = await readCappedLog(endless(), 250);
    expect(result).toEqual({ logs: 'x'.repeat(250), truncated: true });
    expect(pulled).toBe(3);
  });
});
