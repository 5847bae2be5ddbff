import {
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { eventually } from '../../test/helpers/eventually.js';
import { LogCapture } from '../../test/helpers/log-capture.js';
import { ConfigError } from '../config/read-env.js';
import { EmptyGrantsSource } from './empty-grants-source.js';
import { FileGrantsSource, openGrantsSource, type FileGrantsSourceOptions } from './file-grants-source.js';
import type { GrantsDocument } from './grants.js';

const HASH = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

/** A valid grants file giving `user` the viewer role on every namespace of `cluster`. */
function grantsFor(user: string, cluster = 'dev'): string {
  return [
    'tokens:',
    '  - name: portal',
    `    sha256: ${HASH}`,
    'grants:',
    `  - subject: { user: ${user} }`,
    '    role: viewer',
    `    clusters: [${cluster}]`,
    '    namespaces: ["*"]',
    '',
  ].join('\n');
}

/** The users the document grants something to. */
function usersOf(document: GrantsDocument): string[] {
  return document.grants.flatMap(({ subject }) => ('user' in subject ? [subject.user] : []));
}

// A broken version: the role is not one of the contract's, and the file carries the token hash.
const BROKEN = grantsFor('mallory').replace('role: viewer', 'role: root');

describe(FileGrantsSource.name, () => {
  let dir: string;
  let file: string;
  let logs: LogCapture;
  const sources: FileGrantsSource[] = [];

  // Fast reactions, and a poll slow enough that only the folder watch is seen, unless a test says otherwise.
  const open = async (path = file, options: FileGrantsSourceOptions = {}) => {
    const source = await FileGrantsSource.open(path, { debounceMs: 20, pollIntervalMs: 60_000, ...options });
    sources.push(source);
    return source;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pod-api-grants-'));
    file = join(dir, 'grants.yaml');
    logs = new LogCapture();
    Logger.overrideLogger(logs);
  });

  afterEach(() => {
    for (const source of sources.splice(0)) source.close();
    Logger.overrideLogger(false);
    rmSync(dir, { recursive: true, force: true });
  });

  describe('at start', () => {
    it('reads the file and logs what it took', async () => {
      writeFileSync(file, grantsFor('alice'));
      const source = await open();
      expect(source.current()).toEqual({
        tokens: [{ name: 'portal', sha256: HASH }],
        grants: [{ subject: { user: 'alice' }, role: 'viewer', clusters: ['dev'], namespaces: ['*'] }],
      });
      expect(logs.events('auth.grants.loaded')).toEqual([{ event: 'auth.grants.loaded', file, tokens: 1, grants: 1 }]);
    });

    it('stops the start when the file is missing, naming AUTH_GRANTS_FILE', async () => {
      const missing = open(join(dir, 'none.yaml'));
      await expect(missing).rejects.toThrow(ConfigError);
      await expect(missing).rejects.toThrow(
        `invalid configuration: AUTH_GRANTS_FILE (${join(dir, 'none.yaml')}): file not found`,
      );
    });

    it('stops the start when the path is a folder', async () => {
      await expect(open(dir)).rejects.toThrow(`AUTH_GRANTS_FILE (${dir}): not a file`);
    });

    it('stops the start when the file is broken, naming the problem and not the token hash', async () => {
      writeFileSync(file, BROKEN);
      const broken = open();
      await expect(broken).rejects.toThrow(ConfigError);
      await expect(broken).rejects.toThrow(
        `invalid configuration: AUTH_GRANTS_FILE (${file}): grants[0].role: must be one of viewer, operator, admin`,
      );
      await broken.catch((error: Error) => expect(error.message).not.toContain(HASH));
    });

    it('stops the start when the file is larger than a grants file may be', async () => {
      writeFileSync(file, `${grantsFor('alice')}#${'x'.repeat(1024 * 1024)}\n`);
      await expect(open()).rejects.toThrow(`AUTH_GRANTS_FILE (${file}): larger than the limit of 1 MiB`);
    });
  });

  describe('when the file changes', () => {
    it('takes a version written in place', async () => {
      writeFileSync(file, grantsFor('alice'));
      const source = await open();
      writeFileSync(file, grantsFor('bob'));
      await eventually(() => expect(usersOf(source.current())).toEqual(['bob']));
      expect(logs.events('auth.grants.loaded')).toHaveLength(2);
    });

    it("takes a version saved by rename, as editors save (the file's inode is replaced)", async () => {
      writeFileSync(file, grantsFor('alice'));
      const source = await open();
      writeFileSync(join(dir, '.grants.yaml.tmp'), grantsFor('bob'));
      renameSync(join(dir, '.grants.yaml.tmp'), file);
      await eventually(() => expect(usersOf(source.current())).toEqual(['bob']));
      writeFileSync(join(dir, '.grants.yaml.tmp'), grantsFor('carol'));
      renameSync(join(dir, '.grants.yaml.tmp'), file);
      await eventually(() => expect(usersOf(source.current())).toEqual(['carol']));
    });

    it('takes a ConfigMap update (the ..data symlink swapped by rename, as kubelet does)', async () => {
      // kubelet's AtomicWriter layout: grants.yaml -> ..data/grants.yaml, ..data -> ..<timestamp>/
      const publish = (version: string, text: string) => {
        mkdirSync(join(dir, version));
        writeFileSync(join(dir, version, 'grants.yaml'), text);
        symlinkSync(version, join(dir, '..data_tmp'));
        renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
      };
      publish('..2026_01_01_00_00_00.1', grantsFor('alice'));
      symlinkSync('..data/grants.yaml', file);
      const source = await open();
      expect(usersOf(source.current())).toEqual(['alice']);
      publish('..2026_01_01_00_01_00.2', grantsFor('bob'));
      rmSync(join(dir, '..2026_01_01_00_00_00.1'), { recursive: true });
      await eventually(() => expect(usersOf(source.current())).toEqual(['bob']));
      publish('..2026_01_01_00_02_00.3', grantsFor('carol'));
      rmSync(join(dir, '..2026_01_01_00_01_00.2'), { recursive: true });
      await eventually(() => expect(usersOf(source.current())).toEqual(['carol']));
    });

    it('sees, by its periodic check, changes the folder watch cannot see (a symlink into another folder)', async () => {
      const elsewhere = mkdtempSync(join(tmpdir(), 'pod-api-grants-target-'));
      try {
        writeFileSync(join(elsewhere, 'grants.yaml'), grantsFor('alice'));
        symlinkSync(join(elsewhere, 'grants.yaml'), file);
        const source = await open(file, { pollIntervalMs: 25 });
        for (const user of ['bob', 'carol']) {
          writeFileSync(join(elsewhere, 'grants.yaml'), grantsFor(user));
          await eventually(() => expect(usersOf(source.current())).toEqual([user]));
        }
      } finally {
        rmSync(elsewhere, { recursive: true, force: true });
      }
    });

    it('keeps the last good grants when a version is broken, logs it once, and takes the next good one', async () => {
      writeFileSync(file, grantsFor('alice'));
      const source = await open();
      const good = source.current();

      writeFileSync(file, BROKEN);
      const [invalid] = await eventually(() => {
        const lines = logs.eventLines('auth.grants.invalid');
        expect(lines).toHaveLength(1);
        return lines;
      });
      expect(invalid).toMatchObject({
        level: 'error',
        message: {
          event: 'auth.grants.invalid',
          file,
          problems: ['grants[0].role: must be one of viewer, operator, admin'],
        },
      });
      expect(source.current()).toBe(good);

      // The same broken text seen again (another save, a touch) is not a new problem.
      const unchanged = () => logs.events('auth.grants.unchanged').length;
      const seen = unchanged();
      writeFileSync(file, BROKEN);
      await eventually(() => expect(unchanged()).toBeGreaterThan(seen));
      const seenAgain = unchanged();
      utimesSync(file, new Date(), new Date(Date.now() + 1000));
      await eventually(() => expect(unchanged()).toBeGreaterThan(seenAgain));
      expect(logs.events('auth.grants.invalid')).toHaveLength(1);
      expect(source.current()).toBe(good);

      writeFileSync(file, grantsFor('bob'));
      await eventually(() => expect(usersOf(source.current())).toEqual(['bob']));
      expect(logs.events('auth.grants.invalid')).toHaveLength(1);
      expect(logs.events('auth.grants.loaded')).toEqual([
        { event: 'auth.grants.loaded', file, tokens: 1, grants: 1 },
        { event: 'auth.grants.loaded', file, tokens: 1, grants: 1 },
      ]);
      expect(JSON.stringify(logs.lines)).not.toContain(HASH);
    });

    it('keeps the last good grants while the file is gone, and takes it when it is back', async () => {
      writeFileSync(file, grantsFor('alice'));
      const source = await open();
      unlinkSync(file);
      await eventually(() =>
        expect(logs.events('auth.grants.invalid')).toEqual([
          expect.objectContaining({ file, problems: ['file not found'] }),
        ]),
      );
      expect(usersOf(source.current())).toEqual(['alice']);
      writeFileSync(file, grantsFor('bob'));
      await eventually(() => expect(usersOf(source.current())).toEqual(['bob']));
    });

    it('takes the previous good text again after a broken version', async () => {
      writeFileSync(file, grantsFor('alice'));
      const source = await open();
      writeFileSync(file, BROKEN);
      await eventually(() => expect(logs.events('auth.grants.invalid')).toHaveLength(1));
      writeFileSync(file, grantsFor('alice'));
      await eventually(() => expect(logs.events('auth.grants.loaded')).toHaveLength(2));
      expect(usersOf(source.current())).toEqual(['alice']);
    });
  });

  it('stops following the file when closed (module destroy)', async () => {
    writeFileSync(file, grantsFor('alice'));
    const closed = await open(file, { debounceMs: 1 });
    closed.onModuleDestroy();
    closed.onModuleDestroy();
    // A second source, slower to react, tells when the closed one would have taken the change.
    const open2 = await open(file, { debounceMs: 100 });
    writeFileSync(file, grantsFor('bob'));
    await eventually(() => expect(usersOf(open2.current())).toEqual(['bob']));
    expect(usersOf(closed.current())).toEqual(['alice']);
  });
});

describe(openGrantsSource.name, () => {
  it('gives no tokens and no grants when no file is configured', async () => {
    const source = await openGrantsSource(undefined);
    expect(source).toBeInstanceOf(EmptyGrantsSource);
    expect(source.current()).toEqual({ tokens: [], grants: [] });
  });

  it('follows the file when one is configured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pod-api-grants-'));
    try {
      writeFileSync(join(dir, 'grants.yaml'), grantsFor('alice'));
      const source = await openGrantsSource(join(dir, 'grants.yaml'));
      expect(source).toBeInstanceOf(FileGrantsSource);
      expect(usersOf(source.current())).toEqual(['alice']);
      (source as FileGrantsSource).close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
