import type { Readable } from 'node:stream';
import { type ContainerInstance, ContainerLogStore, type LogQuery } from './container-log-store.js';
import { eventually } from '../../../test/helpers/eventually.js';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const app: ContainerInstance = { podUid: 'uid-1', container: 'app', restartCount: 0 };
const query = (extra: Partial<LogQuery> = {}): LogQuery => ({ follow: false, timestamps: false, ...extra });

/** A store whose clock the test sets. */
function storeAt(
  nowMs = T0,
  options: { maxLinesPerInstance?: number } = {},
): { store: ContainerLogStore; clock: { now: number } } {
  const clock = { now: nowMs };
  return { store: new ContainerLogStore({ ...options, now: () => new Date(clock.now) }), clock };
}

async function readBytes(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readAll(stream: Readable): Promise<string> {
  return (await readBytes(stream)).toString('utf8');
}

/** Collects what a following stream emits, and whether it ended. */
function collect(stream: Readable): { text: () => string; ended: () => boolean } {
  let text = '';
  let ended = false;
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  stream.on('end', () => (ended = true));
  return { text: () => text, ended: () => ended };
}

/** Lets pending stream work run (several turns of the event loop). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe(ContainerLogStore.name, () => {
  describe('reading', () => {
    it('returns the lines, each with a newline', async () => {
      const { store } = storeAt();
      store.append(app, 'first');
      store.append(app, 'second');
      expect(await readAll(store.open(app, query(), new AbortController().signal))).toBe('first\nsecond\n');
    });

    it('returns nothing for an instance that never logged', async () => {
      const { store } = storeAt();
      expect(await readAll(store.open(app, query(), new AbortController().signal))).toBe('');
      expect(store.has(app)).toBe(false);
    });

    it('prefixes the kubelet timestamp, strictly increasing even for lines written in the same millisecond', async () => {
      const { store } = storeAt();
      store.append(app, 'a', new Date(T0 + 123));
      store.append(app, 'b', new Date(T0 + 123));
      store.append(app, 'c', new Date(T0 + 100)); // earlier than the line before: moved just after it
      expect(await readAll(store.open(app, query({ timestamps: true }), new AbortController().signal))).toBe(
        '2026-01-01T00:00:00.123000000Z a\n2026-01-01T00:00:00.123001000Z b\n2026-01-01T00:00:00.123002000Z c\n',
      );
    });

    it('splits a text with newlines into lines', async () => {
      const { store } = storeAt();
      store.append(app, 'one\ntwo');
      expect(await readAll(store.open(app, query(), new AbortController().signal))).toBe('one\ntwo\n');
    });

    describe('options', () => {
      const { store, clock } = storeAt();
      store.append(app, 'at 0s', new Date(T0));
      store.append(app, 'at 10s', new Date(T0 + 10_000));
      store.append(app, 'at 20s', new Date(T0 + 20_000));
      clock.now = T0 + 25_000;

      it.each([
        { name: 'tailLines=2', extra: { tailLines: 2 }, text: 'at 10s\nat 20s\n' },
        { name: 'tailLines=0', extra: { tailLines: 0 }, text: '' },
        { name: 'tailLines above the count', extra: { tailLines: 10 }, text: 'at 0s\nat 10s\nat 20s\n' },
        { name: 'sinceSeconds=15 (now is 25s)', extra: { sinceSeconds: 15 }, text: 'at 10s\nat 20s\n' },
        {
          name: 'sinceTime=10s keeps a line at exactly that time',
          extra: { sinceTime: new Date(T0 + 10_000) },
          text: 'at 10s\nat 20s\n',
        },
        // The kubelet tails the file first, then filters: the tail's old line is dropped, not replaced.
        { name: 'tailLines=2 then sinceSeconds=10', extra: { tailLines: 2, sinceSeconds: 10 }, text: 'at 20s\n' },
        { name: 'limitBytes cuts mid-line', extra: { limitBytes: 9 }, text: 'at 0s\nat ' },
        {
          name: 'limitBytes counts the timestamp',
          extra: { limitBytes: 34, timestamps: true },
          text: '2026-01-01T00:00:00.000000000Z at ',
        },
      ])('$name', async ({ extra, text }) => {
        expect(await readAll(store.open(app, query(extra), new AbortController().signal))).toBe(text);
      });
    });

    it('keeps at most maxLinesPerInstance lines, dropping the oldest', async () => {
      const { store } = storeAt(T0, { maxLinesPerInstance: 3 });
      for (let i = 1; i <= 5; i++) store.append(app, `line ${i}`);
      expect(await readAll(store.open(app, query(), new AbortController().signal))).toBe('line 3\nline 4\nline 5\n');
    });

    it('cuts limitBytes inside a multi-byte character, as the kubelet cuts bytes', async () => {
      const { store } = storeAt();
      store.append(app, 'é');
      const bytes = await readBytes(store.open(app, query({ limitBytes: 1 }), new AbortController().signal));
      expect([...bytes]).toEqual([0xc3]);
    });
  });

  describe('instances', () => {
    it('keeps the current and the previous instance of a container, drops older ones', () => {
      const { store } = storeAt();
      for (let restartCount = 0; restartCount <= 3; restartCount++)
        store.append({ ...app, restartCount }, `run ${restartCount}`);
      expect([0, 1, 2, 3].map((restartCount) => store.has({ ...app, restartCount }))).toEqual([
        false,
        false,
        true,
        true,
      ]);
      expect(store.has({ ...app, container: 'sidecar' })).toBe(false);
    });

    it('forgets a pod', () => {
      const { store } = storeAt();
      store.append(app, 'x');
      store.append({ ...app, podUid: 'uid-2' }, 'y');
      store.forgetPod('uid-1');
      expect(store.has(app)).toBe(false);
      expect(store.has({ ...app, podUid: 'uid-2' })).toBe(true);
    });
  });

  describe('following', () => {
    it('streams new lines until the instance ends, then ends after the last line', async () => {
      const { store } = storeAt();
      store.append(app, 'before');
      const stream = store.open(app, query({ follow: true }), new AbortController().signal);
      const seen = collect(stream);
      await eventually(() => expect(seen.text()).toBe('before\n'));
      store.append(app, 'after');
      await eventually(() => expect(seen.text()).toBe('before\nafter\n'));
      expect(seen.ended()).toBe(false);
      store.append(app, 'last');
      store.end(app);
      await eventually(() => expect(seen.ended()).toBe(true));
      expect(seen.text()).toBe('before\nafter\nlast\n');
      await eventually(() => expect(store.openStreams).toBe(0));
    });

    it('with tailLines=0 shows only what comes next', async () => {
      const { store } = storeAt();
      store.append(app, 'old');
      const seen = collect(store.open(app, query({ follow: true, tailLines: 0 }), new AbortController().signal));
      store.append(app, 'new');
      await eventually(() => expect(seen.text()).toBe('new\n'));
    });

    it('waits for an instance that has not logged yet', async () => {
      const { store } = storeAt();
      const seen = collect(store.open(app, query({ follow: true }), new AbortController().signal));
      await settle();
      store.append(app, 'hello');
      await eventually(() => expect(seen.text()).toBe('hello\n'));
    });

    it('ends when the pod is forgotten, after the lines not read yet', async () => {
      const { store } = storeAt();
      const stream = store.open(app, query({ follow: true }), new AbortController().signal);
      store.append(app, 'bye');
      store.forgetPod(app.podUid);
      expect(await readAll(stream)).toBe('bye\n');
      expect(store.openStreams).toBe(0);
    });

    it('ends at limitBytes even while following', async () => {
      const { store } = storeAt();
      const stream = store.open(app, query({ follow: true, limitBytes: 6 }), new AbortController().signal);
      store.append(app, 'abc');
      store.append(app, 'def');
      expect(await readAll(stream)).toBe('abc\nde');
    });

    it('is destroyed when its signal aborts, and no longer counted', async () => {
      const { store } = storeAt();
      const abort = new AbortController();
      const stream = store.open(app, query({ follow: true }), abort.signal);
      collect(stream);
      expect(store.openStreams).toBe(1);
      abort.abort();
      await eventually(() => expect(stream.destroyed).toBe(true));
      expect(store.openStreams).toBe(0);
      store.append(app, 'nobody listens');
    });

    it('ends at once for an already aborted signal', () => {
      const { store } = storeAt();
      const abort = new AbortController();
      abort.abort();
      expect(store.open(app, query({ follow: true }), abort.signal).destroyed).toBe(true);
      expect(store.openStreams).toBe(0);
    });
  });

  it('stalls: open streams emit nothing until the fault is cleared', async () => {
    const { store } = storeAt();
    store.append(app, 'held back');
    store.stalled = true;
    const seen = collect(store.open(app, query({ follow: true }), new AbortController().signal));
    store.append(app, 'also held');
    await settle();
    expect(seen.text()).toBe('');
    store.stalled = false;
    await eventually(() => expect(seen.text()).toBe('held back\nalso held\n'));

    store.stalled = true;
    store.append(app, 'later');
    await settle();
    expect(seen.text()).toBe('held back\nalso held\n');
    store.stalled = false;
    await eventually(() => expect(seen.text()).toBe('held back\nalso held\nlater\n'));
  });

  it('produces only what the consumer pulls (a reader that does not read holds a bounded buffer)', async () => {
    const { store } = storeAt(T0, { maxLinesPerInstance: 100_000 });
    for (let i = 0; i < 20_000; i++) store.append(app, `${String(i).padStart(6, '0')} ${'x'.repeat(93)}`);
    const stream = store.open(app, query(), new AbortController().signal);
    stream.pause();
    stream.read(0);
    await settle();
    // 2 MB of log; the stream holds its high-water mark plus at most one chunk (16 KiB and a line).
    expect(stream.readableLength).toBeLessThanOrEqual(stream.readableHighWaterMark + 17 * 1024);
    expect(stream.readableLength).toBeGreaterThan(0);
    stream.destroy();
  });

  it('counts open streams', async () => {
    const { store } = storeAt();
    store.append(app, 'x');
    const first = store.open(app, query(), new AbortController().signal);
    const second = store.open(app, query({ follow: true }), new AbortController().signal);
    expect(store.openStreams).toBe(2);
    await readAll(first);
    await eventually(() => expect(store.openStreams).toBe(1));
    second.destroy();
    await eventually(() => expect(store.openStreams).toBe(0));
  });
});
