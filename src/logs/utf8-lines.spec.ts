import { Readable } from 'node:stream';
import { utf8LineBatches } from './utf8-lines.js';

async function linesOf(chunks: Buffer[], maxLineBytes?: number): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of utf8LineBatches(Readable.from(chunks), maxLineBytes)) {
    expect(batch.length).toBeGreaterThan(0);
    lines.push(...batch);
  }
  return lines;
}

/** The text cut into chunks at each of `edges` (byte offsets). */
function cut(text: string, ...edges: number[]): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  const points = [0, ...edges, bytes.length];
  return points.slice(1).map((end, index) => bytes.subarray(points[index], end));
}

// Two-, three- and four-byte characters (é, €, 漢, 🚀, and an emoji of several code points), ASCII between them.
const MIXED = 'é€ a漢🚀\nzweite Zeile: 👩‍💻 ok\n\nlast';
const MIXED_LINES = ['é€ a漢🚀', 'zweite Zeile: 👩‍💻 ok', '', 'last'];

describe(utf8LineBatches.name, () => {
  it.each(Array.from({ length: Buffer.byteLength(MIXED) - 1 }, (_, index) => index + 1))(
    'keeps every character whole with a chunk edge at byte %i',
    async (edge) => {
      await expect(linesOf(cut(MIXED, edge))).resolves.toEqual(MIXED_LINES);
    },
  );

  it('keeps every character whole when each byte is its own chunk', async () => {
    const bytes = Buffer.from(MIXED, 'utf8');
    const singles = Array.from(bytes, (byte) => Buffer.from([byte]));
    await expect(linesOf(singles)).resolves.toEqual(MIXED_LINES);
  });

  it.each([
    { name: 'LF endings', text: 'a\nb\n', expected: ['a', 'b'] },
    { name: 'CRLF endings', text: 'a\r\nb\r\n', expected: ['a', 'b'] },
    { name: 'CRLF split between chunks', chunks: ['a\r', '\nb\r', '\n'], expected: ['a', 'b'] },
    {
      name: 'a carriage return inside a line',
      text: 'progress 10%\rprogress 20%\n',
      expected: ['progress 10%\rprogress 20%'],
    },
    { name: 'empty lines', text: '\n\na\n\n', expected: ['', '', 'a', ''] },
    { name: 'a last line without newline', text: 'a\nb', expected: ['a', 'b'] },
    { name: 'only a last line without newline', text: 'no newline at all', expected: ['no newline at all'] },
    { name: 'nothing', text: '', expected: [] },
    { name: 'a lone newline', text: '\n', expected: [''] },
    { name: 'bytes that are not UTF-8', chunks: [Buffer.from([0x61, 0xff, 0x62, 0x0a])], expected: ['a\ufffdb'] },
  ])('reads $name', async ({ text, chunks, expected }) => {
    const input = chunks
      ? chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk))
      : cut(text ?? '');
    await expect(linesOf(input.filter((chunk) => chunk.length > 0))).resolves.toEqual(expected);
  });

  it('sends a line over the limit in pieces, none cut inside a character', async () => {
    const line = '€'.repeat(10); // 30 bytes
    const pieces = await linesOf(cut(`${line}\nnext\n`, 7, 19), 8);
    expect(pieces.join('')).toBe(`${line}next`);
    expect(pieces.at(-1)).toBe('next');
    for (const piece of pieces.slice(0, -1)) {
      expect(Buffer.byteLength(piece)).toBeLessThanOrEqual(8);
      expect(piece).toMatch(/^€+$/);
    }
  });

  it('sends a line that never ends in pieces as it comes, holding at most one piece', async () => {
    async function* endless(): AsyncGenerator<Buffer> {
      for (let index = 0; index < 1000; index++) yield Buffer.from('x'.repeat(100));
    }
    let count = 0;
    for await (const batch of utf8LineBatches(endless(), 1000)) {
      for (const piece of batch) {
        expect(piece.length).toBeLessThanOrEqual(1000);
        count += piece.length;
      }
    }
    expect(count).toBe(100_000);
  });
});
