import { chmodSync, mkdirSync } from 'node:fs';
import { chmod, mkdir, open } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { RecordingStore } from './recording-store.js';

/** Keys are `/`-separated names of letters, digits, `.`, `_` and `-`, none starting with a dot: never `..`. */
const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;
const MAX_KEY_LENGTH = 255;

/**
 * Recordings as files below one folder, the key as their relative path. Recordings hold what terminals showed
 * (and, with EXEC_RECORD_INPUT, what was typed), so the folders are created 0700 and the files 0600, whatever the
 * umask; a folder that exists keeps the mode its operator gave it.
 */
export class FolderRecordingStore extends RecordingStore {
  private readonly root: string;

  constructor(root: string) {
    super();
    this.root = resolve(root);
  }

  /** Creates the folder now, so that a folder that cannot be made stops the start instead of the first recording. */
  prepare(): void {
    const created = mkdirSync(this.root, { recursive: true, mode: 0o700 });
    if (created !== undefined) chmodCreated(created, this.root, chmodSync);
  }

  async create(key: string): Promise<Writable> {
    const path = this.pathOf(key);
    const folder = dirname(path);
    const created = await mkdir(folder, { recursive: true, mode: 0o700 });
    if (created !== undefined) await Promise.all(chmodCreated(created, folder, chmod));
    const file = await open(path, 'wx', 0o600);
    try {
      await file.chmod(0o600); // the umask may have taken the owner's bits away from the mode asked for
    } catch (error) {
      await file.close();
      throw error;
    }
    return file.createWriteStream();
  }

  async open(key: string): Promise<Readable | undefined> {
    if (!isKey(key)) return undefined;
    try {
      const file = await open(this.pathOf(key), 'r');
      return file.createReadStream();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private pathOf(key: string): string {
    if (!isKey(key)) throw new TypeError(`not a recording key: ${JSON.stringify(key)}`);
    return join(this.root, ...key.split('/'));
  }
}

function isKey(key: string): boolean {
  return key.length <= MAX_KEY_LENGTH && KEY.test(key);
}

/** Sets 0700 on each folder `mkdir -p` created, from `first` (the first one it created) down to `last`. */
function chmodCreated<T>(first: string, last: string, setMode: (path: string, mode: number) => T): T[] {
  const below = relative(first, last);
  const paths = [first];
  if (below !== '') for (const name of below.split(sep)) paths.push(join(paths[paths.length - 1], name));
  return paths.map((path) => setMode(path, 0o700));
}
