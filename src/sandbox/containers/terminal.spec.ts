import { InputQueue } from './input-queue.js';
import { LineDiscipline, ResizeDecoder, toTerminalOutput } from './terminal.js';

/** Types `keys`, then reads what a process would get (until nothing is queued) and what the terminal echoed. */
async function typed(...keys: string[]): Promise<{ reads: (string | null)[]; echo: string; interrupts: number }> {
  const queue = new InputQueue();
  let echo = '';
  let interrupts = 0;
  const terminal = new LineDiscipline(queue, { echo: (text) => (echo += text), interrupt: () => interrupts++ });
  for (const key of keys) terminal.input(key);
  queue.close();
  const reads: (string | null)[] = [];
  for (
    let read = await queue.read(new AbortController().signal);
    read !== null;
    read = await queue.read(new AbortController().signal)
  ) {
    reads.push(read ?? '<aborted>');
  }
  return { reads, echo, interrupts };
}

describe(LineDiscipline.name, () => {
  it.each([
    { name: 'Enter (CR) completes a line and echoes CR LF', keys: ['ls -l\r'], reads: ['ls -l\n'], echo: 'ls -l\r\n' },
    { name: 'a line arrives only when complete', keys: ['ec', 'ho', '\r'], reads: ['echo\n'], echo: 'echo\r\n' },
    { name: 'DEL erases the last character', keys: ['ecx\x7fho\r'], reads: ['echo\n'], echo: 'ecx\b \bho\r\n' },
    { name: 'backspace on an empty line does nothing', keys: ['\x7fa\r'], reads: ['a\n'], echo: 'a\r\n' },
    { name: '^U kills the line', keys: ['abc\x15d\r'], reads: ['d\n'], echo: 'abc\b \b\b \b\b \bd\r\n' },
    { name: 'control characters echo as ^X', keys: ['\x1b[A\r'], reads: ['\x1b[A\n'], echo: '^[[A\r\n' },
    { name: '^D on a partial line hands it over without a newline', keys: ['abc\x04'], reads: ['abc'], echo: 'abc' },
  ])('$name', async ({ keys, reads, echo }) => {
    const result = await typed(...keys);
    expect(result.reads).toEqual(reads);
    expect(result.echo).toBe(echo);
  });

  it('^D on an empty line is an end-of-file mark for one read', async () => {
    const queue = new InputQueue();
    const terminal = new LineDiscipline(queue, { echo: () => undefined, interrupt: () => undefined });
    terminal.input('\x04after\r');
    const signal = new AbortController().signal;
    expect(await queue.read(signal)).toBeNull();
    expect(await queue.read(signal)).toBe('after\n');
  });

  it('^C echoes ^C, drops the line and what was typed ahead, and interrupts', async () => {
    const result = await typed('typed ahead\r', 'half', '\x03', 'next\r');
    expect(result).toEqual({ reads: ['next\n'], echo: 'typed ahead\r\nhalf^Cnext\r\n', interrupts: 1 });
  });
});

describe(toTerminalOutput.name, () => {
  it('turns every newline into CR LF (ONLCR)', () => {
    expect(toTerminalOutput('a\nb\n')).toBe('a\r\nb\r\n');
  });
});

describe(ResizeDecoder.name, () => {
  it.each([
    { name: 'one object', chunks: ['{"Width":120,"Height":40}'], sizes: [{ width: 120, height: 40 }] },
    {
      name: 'field names in any case (Go json)',
      chunks: ['{"width":80,"HEIGHT":24}'],
      sizes: [{ width: 80, height: 24 }],
    },
    { name: 'split across frames', chunks: ['{"Width":1', '00,"Height":30}'], sizes: [{ width: 100, height: 30 }] },
    {
      name: 'two in one frame',
      chunks: ['{"Width":1,"Height":2}\n{"Width":3,"Height":4}'],
      sizes: [
        { width: 1, height: 2 },
        { width: 3, height: 4 },
      ],
    },
    // As the API server's handleResizeEvents: the first undecodable value ends resizing.
    { name: 'nothing after a bad value', chunks: ['{"Width":-1,"Height":2}', '{"Width":3,"Height":4}'], sizes: [] },
    { name: 'nothing after garbage', chunks: ['nonsense', '{"Width":3,"Height":4}'], sizes: [] },
  ])('$name', ({ chunks, sizes }) => {
    const decoder = new ResizeDecoder();
    expect(chunks.flatMap((chunk) => decoder.push(chunk))).toEqual(sizes);
  });
});

describe(InputQueue.name, () => {
  it('reports when full and calls back once it has drained to half', async () => {
    let drained = 0;
    const queue = new InputQueue(10, () => drained++);
    queue.push('123456');
    queue.push('789012');
    expect(queue.isFull).toBe(true);
    const signal = new AbortController().signal;
    await queue.read(signal);
    expect(drained).toBe(0);
    await queue.read(signal);
    expect(drained).toBe(1);
    expect(queue.isFull).toBe(false);
  });

  it('resolves a waiting read with undefined when its signal aborts', async () => {
    const queue = new InputQueue();
    const abort = new AbortController();
    const read = queue.read(abort.signal);
    abort.abort();
    expect(await read).toBeUndefined();
    queue.push('later');
    expect(await queue.read(new AbortController().signal)).toBe('later');
  });
});
