import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { eventually } from '../../test/helpers/eventually.js';
import { FolderRecordingStore } from './folder-recording-store.js';

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function endOf(writer: Writable): Promise<void> {
  writer.end();
  await finished(writer);
}

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe(FolderRecordingStore.name, () => {
  let dir: string;
  let umask: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pod-api-recordings-'));
    umask = process.umask(0); // the most permissive umask: the modes must not depend on it
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates its folder and a recording’s subfolder for the owner only (0700), the recording 0600', async () => {
    const root = join(dir, 'data', 'recordings');
    const store = new FolderRecordingStore(root);
    store.prepare();
    expect(modeOf(root)).toBe(0o700);
    await endOf(await store.create('2026-01-01/s1.cast'));
    expect(modeOf(join(root, '2026-01-01'))).toBe(0o700);
    expect(modeOf(join(root, '2026-01-01', 's1.cast'))).toBe(0o600);
  });

  it('creates its folder on the first recording when it was not prepared', async () => {
    const root = join(dir, 'later');
    await endOf(await new FolderRecordingStore(root).create('a/b.cast'));
    expect([modeOf(root), modeOf(join(root, 'a')), modeOf(join(root, 'a', 'b.cast'))]).toEqual([0o700, 0o700, 0o600]);
  });

  it('gives the same modes under a umask that takes the owner’s own bits away', async () => {
    process.umask(0o277);
    const root = join(dir, 'strict');
    const store = new FolderRecordingStore(root);
    store.prepare();
    await endOf(await store.create('day/s1.cast'));
    expect([modeOf(root), modeOf(join(root, 'day')), modeOf(join(root, 'day', 's1.cast'))]).toEqual([
      0o700, 0o700, 0o600,
    ]);
  });

  it('leaves the mode of an existing folder as the operator set it', () => {
    const root = join(dir, 'shared');
    mkdirSync(root, { mode: 0o750 });
    new FolderRecordingStore(root).prepare();
    expect(modeOf(root)).toBe(0o750);
  });

  it('writes as the recording goes: what was written is on disk before the recording ends', async () => {
    const store = new FolderRecordingStore(dir);
    const writer = await store.create('s1.cast');
    writer.write('{"version":2}\n');
    writer.write('[0.1,"o","ünï ✓"]\n');
    await eventually(() =>
      expect(readFileSync(join(dir, 's1.cast'), 'utf8')).toBe('{"version":2}\n[0.1,"o","ünï ✓"]\n'),
    );
    // Readable while still being written, as far as it is written.
    await expect(readAll((await store.open('s1.cast'))!)).resolves.toBe('{"version":2}\n[0.1,"o","ünï ✓"]\n');
    writer.write('[0.2,"o","x"]\n');
    await endOf(writer);
    await expect(readAll((await store.open('s1.cast'))!)).resolves.toBe(
      '{"version":2}\n[0.1,"o","ünï ✓"]\n[0.2,"o","x"]\n',
    );
  });

  it('refuses to create a recording that exists, and leaves it as it was', async () => {
    const store = new FolderRecordingStore(dir);
    writeFileSync(join(dir, 'taken.cast'), 'kept\n');
    await expect(store.create('taken.cast')).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(join(dir, 'taken.cast'), 'utf8')).toBe('kept\n');
  });

  it('answers undefined for a recording that does not exist', async () => {
    const store = new FolderRecordingStore(join(dir, 'never-created'));
    await expect(store.open('2026-01-01/absent.cast')).resolves.toBeUndefined();
  });

  it.each(['', '../outside.cast', 'a/../../outside.cast', '/etc/passwd', '.hidden', 'a//b', 'a/', 'a\\b', 'a\0b'])(
    'refuses the key %j, which is not a path below its folder',
    async (key) => {
      writeFileSync(join(dir, 'outside.cast'), 'secret\n'); // what '../outside.cast' would reach from the store's folder
      const store = new FolderRecordingStore(join(dir, 'root'));
      await expect(store.open(key)).resolves.toBeUndefined();
      await expect(store.create(key)).rejects.toThrow('not a recording key');
      expect(readFileSync(join(dir, 'outside.cast'), 'utf8')).toBe('secret\n');
    },
  );
});
