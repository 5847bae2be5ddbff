import { Writable } from 'node:stream';
import { SessionRecording, type SessionRecordingOptions } from './session-recording.js';

/** A sink keeping what it was written, as text, at once. */
class MemorySink extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

/** A sink whose every write fails, as a full disk does. */
class FailingSink extends Writable {
  writes = 0;
  override _write(_chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.writes++;
    done(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
  }
}

/** A sink that never finishes a write: a disk that stopped answering. */
class StalledSink extends Writable {
  override _write(): void {}
}

const STARTED_AT = new Date('2026-01-01T00:00:00.750Z');

function setUp(options: Partial<SessionRecordingOptions> = {}, sink: Writable = new MemorySink()) {
  let clock = 1000;
  const failures: string[] = [];
  const recording = new SessionRecording(sink, {
    startedAt: STARTED_AT,
    title: 'prod shop/web-0 nginx',
    recordInput: false,
    now: () => clock,
    onFailure: (reason) => failures.push(reason),
    ...options,
  });
  return { recording, failures, advance: (ms: number) => (clock += ms) };
}

const lines = (sink: MemorySink) =>
  sink.text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);

describe(SessionRecording.name, () => {
  it('takes the header’s size from the first resize, and records later resizes as r events', async () => {
    const sink = new MemorySink();
    const { recording, advance } = setUp({}, sink);
    advance(5);
    recording.resized(120, 40);
    advance(1000);
    recording.output('$ ');
    advance(250);
    recording.resized(100, 30);
    await expect(recording.finish()).resolves.toBeNull();
    expect(lines(sink)).toEqual([
      { version: 2, width: 120, height: 40, timestamp: 1_767_225_600, title: 'prod shop/web-0 nginx' },
      [1.005, 'o', '$ '],
      [1.255, 'r', '100x30'],
    ]);
  });

  it('starts with 80×24 when output comes before any resize', async () => {
    const sink = new MemorySink();
    const { recording, advance } = setUp({}, sink);
    advance(2);
    recording.output('hi');
    recording.resized(120, 40);
    await recording.finish();
    expect(lines(sink)).toEqual([
      { version: 2, width: 80, height: 24, timestamp: 1_767_225_600, title: 'prod shop/web-0 nginx' },
      [0.002, 'o', 'hi'],
      [0.002, 'r', '120x40'],
    ]);
  });

  it('writes the header alone for a session that showed nothing, so every recording is valid', async () => {
    const sink = new MemorySink();
    const { recording } = setUp({}, sink);
    await recording.finish();
    expect(lines(sink)).toEqual([
      { version: 2, width: 80, height: 24, timestamp: 1_767_225_600, title: 'prod shop/web-0 nginx' },
    ]);
  });

  it.each([
    { recordInput: false, expected: [[0, 'o', '$ ']] },
    {
      recordInput: true,
      expected: [
        [0, 'o', '$ '],
        [0.01, 'i', 'ls\r'],
      ],
    },
  ])('records input only when asked (recordInput: $recordInput)', async ({ recordInput, expected }) => {
    const sink = new MemorySink();
    const { recording, advance } = setUp({ recordInput }, sink);
    recording.output('$ ');
    advance(10);
    recording.input('ls\r');
    await recording.finish();
    expect(lines(sink).slice(1)).toEqual(expected);
  });

  it('replays into exactly the output written, characters of any width included', async () => {
    const sink = new MemorySink();
    const { recording, advance } = setUp({}, sink);
    const chunks = ['héllo ', '✓ 😀\r\n', '\u001b[31mred\u001b[0m', '', 'tab\there "q" \\ \u2028end'];
    for (const chunk of chunks) {
      advance(3);
      recording.output(chunk);
    }
    await recording.finish();
    const events = lines(sink).slice(1) as [number, string, string][];
    expect(events.map(([, , data]) => data).join('')).toBe(chunks.join(''));
    expect(events.every(([, code]) => code === 'o')).toBe(true);
  });

  it('ignores events after it finished, and finishes once', async () => {
    const sink = new MemorySink();
    const { recording } = setUp({}, sink);
    recording.output('a');
    const first = recording.finish();
    recording.output('late');
    await expect(first).resolves.toBeNull();
    await expect(recording.finish()).resolves.toBeNull();
    expect(sink.text).not.toContain('late');
  });

  it('stops at the first failed write, says why once, and never throws into the terminal', async () => {
    const sink = new FailingSink();
    const { recording, failures } = setUp({}, sink);
    recording.resized(80, 24);
    for (let i = 0; i < 50; i++) expect(() => recording.output(`line ${i}\r\n`)).not.toThrow();
    await expect(recording.finish()).resolves.toBe('writing the recording failed (ENOSPC)');
    expect(failures).toEqual(['writing the recording failed (ENOSPC)']);
    expect(sink.writes).toBe(1);
  });

  it('gives up when the disk falls more than 8 MiB behind, instead of holding the terminal’s output in memory', async () => {
    const sink = new StalledSink();
    const { recording, failures } = setUp({}, sink);
    const mebibyte = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 8; i++) recording.output(mebibyte);
    expect(failures).toEqual([]);
    recording.output(mebibyte);
    expect(failures).toEqual(['the disk fell more than 8 MiB behind the terminal']);
    expect(sink.destroyed).toBe(true);
    await expect(recording.finish()).resolves.toBe('the disk fell more than 8 MiB behind the terminal');
  });
});
