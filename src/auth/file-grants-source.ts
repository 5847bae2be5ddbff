import { createHash } from 'node:crypto';
import { watch, type FSWatcher, type Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { ConfigError } from '../config/read-env.js';
import { GRANTS_FILE_LIMITS, GrantsDocumentError, parseGrantsDocument } from './grants-document.js';
import { GrantsSource, type GrantsDocument } from './grants.js';
import { EmptyGrantsSource } from './empty-grants-source.js';

export interface FileGrantsSourceOptions {
  /** Quiet time after the last change seen before the file is read: editors and kubelet change it in several steps. */
  debounceMs?: number;
  /** How often the file is also checked by `stat`, for the changes the folder watch does not see. */
  pollIntervalMs?: number;
}

const DEFAULTS: Required<FileGrantsSourceOptions> = { debounceMs: 100, pollIntervalMs: 5000 };

/** The file as `stat` saw it when it was last read: a different answer means that it may have changed since. */
interface FileVersion {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** What is read from the file when a change is seen: its text, or why it could not be read. */
type FileRead = { version?: FileVersion } & ({ text: string } | { problem: string });

/**
 * The grants file named by `AUTH_GRANTS_FILE`, read at start and again whenever it changes. A version that cannot be
 * read or is not valid leaves the last good grants in force and is logged once (`auth.grants.invalid`); each version
 * taken is logged with its counts (`auth.grants.loaded`). Neither line, nor any error, quotes the file: it holds the
 * token hashes.
 *
 * Changes are seen two ways, both ending in the same debounced read, which takes the file only when its content
 * differs from the last one read (so a burst of events, or both ways seeing one change, is one read and one log line):
 * - `fs.watch` on the file's folder, not on the file: an editor's save by rename and Kubernetes' ConfigMap update
 *   (a `..data` symlink swapped by rename) replace the file, and a watch on the file would follow the old one;
 * - a periodic `stat` through symlinks, compared with the `stat` of the last read: it sees what the folder watch cannot
 *   — a symlinked file whose target lives in another folder, network and some container file systems where inotify
 *   reports nothing, a folder watch that failed or could not be set up (inotify limits) — at the cost of a `stat` per
 *   interval. (`fs.watchFile` would compare with its own first `stat`, taken some time after start, and so miss a
 *   change made in between.)
 */
export class FileGrantsSource extends GrantsSource implements OnModuleDestroy {
  private readonly logger = new Logger(FileGrantsSource.name);
  private readonly options: Required<FileGrantsSourceOptions>;
  private readonly sourceName: string;
  private folderWatch?: FSWatcher;
  private poll?: NodeJS.Timeout;
  private checking = false;
  private debounce?: NodeJS.Timeout;
  private reading = false;
  private readAgain = false;
  private closed = false;

  private constructor(
    private readonly path: string,
    private document: GrantsDocument,
    /** The SHA-256 of the last text read, or the last reason it could not be read: a change is a different value. */
    private lastSeen: string,
    private lastVersion: FileVersion | undefined,
    options: FileGrantsSourceOptions,
  ) {
    super();
    this.options = { ...DEFAULTS, ...options };
    this.sourceName = sourceName(path);
  }

  /**
   * Reads the file and starts following it. A file that cannot be read or is not valid stops the start: it throws
   * `ConfigError` naming `AUTH_GRANTS_FILE`, the path and the problems.
   */
  static async open(path: string, options: FileGrantsSourceOptions = {}): Promise<FileGrantsSource> {
    const read = await readGrantsFile(path);
    if ('problem' in read) throw new ConfigError([`${sourceName(path)}: ${read.problem}`]);
    let document: GrantsDocument;
    try {
      document = parseGrantsDocument(read.text, sourceName(path));
    } catch (error) {
      if (error instanceof GrantsDocumentError) throw new ConfigError([error.message]);
      throw error;
    }
    const source = new FileGrantsSource(path, document, fingerprint(read), read.version, options);
    source.logLoaded();
    source.follow();
    return source;
  }

  current(): GrantsDocument {
    return this.document;
  }

  onModuleDestroy(): void {
    this.close();
  }

  /** Stops following the file; the grants last taken stay readable. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.debounce);
    clearInterval(this.poll);
    this.folderWatch?.close();
  }

  private follow(): void {
    this.poll = setInterval(() => void this.check(), this.options.pollIntervalMs);
    this.poll.unref();
    try {
      // Any change in the folder is a reason to look: the content decides whether anything happened.
      this.folderWatch = watch(dirname(this.path), { persistent: false }, () => this.schedule());
      this.folderWatch.on('error', (error) => {
        this.logger.warn({ event: 'auth.grants.watch.failed', file: this.path, code: errorCode(error) });
        this.folderWatch?.close();
        this.folderWatch = undefined;
      });
    } catch (error) {
      this.logger.warn({ event: 'auth.grants.watch.failed', file: this.path, code: errorCode(error) });
    }
  }

  /** The periodic check: a file that `stat` sees differently from the last read is read again. */
  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const version = await stat(this.path).then(versionOf, () => undefined);
      if (!sameVersion(version, this.lastVersion)) this.schedule();
    } finally {
      this.checking = false;
    }
  }

  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.readSerially(), this.options.debounceMs);
    this.debounce.unref();
  }

  /** One read at a time; a change seen during a read is read after it. */
  private async readSerially(): Promise<void> {
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = true;
    try {
      do {
        this.readAgain = false;
        this.take(await readGrantsFile(this.path));
      } while (this.readAgain && !this.closed);
    } catch (error) {
      // Not a problem of the file (those are logged by take): the grants in force stay, and so does the service.
      this.logInvalid([`the file could not be taken (${error instanceof Error ? error.name : 'unknown error'})`]);
    } finally {
      this.reading = false;
    }
  }

  private take(read: FileRead): void {
    if (this.closed) return;
    this.lastVersion = read.version;
    const seen = fingerprint(read);
    if (seen === this.lastSeen) {
      // Says that the change was seen, for whoever wonders why an edit was not taken: the content is the same.
      this.logger.debug({ event: 'auth.grants.unchanged', file: this.path });
      return;
    }
    this.lastSeen = seen;
    if ('problem' in read) return this.logInvalid([read.problem]);
    try {
      this.document = parseGrantsDocument(read.text, this.sourceName);
    } catch (error) {
      if (!(error instanceof GrantsDocumentError)) throw error;
      return this.logInvalid(error.problems);
    }
    this.logLoaded();
  }

  private logLoaded(): void {
    const { tokens, grants } = this.document;
    this.logger.log({ event: 'auth.grants.loaded', file: this.path, tokens: tokens.length, grants: grants.length });
  }

  private logInvalid(problems: readonly string[]): void {
    this.logger.error({ event: 'auth.grants.invalid', file: this.path, problems });
  }
}

/**
 * The grants in force: the file at `file`, followed (see `FileGrantsSource.open`), or none at all when no file is
 * configured.
 */
export async function openGrantsSource(
  file: string | undefined,
  options: FileGrantsSourceOptions = {},
): Promise<GrantsSource> {
  return file ? FileGrantsSource.open(file, options) : new EmptyGrantsSource();
}

function sourceName(path: string): string {
  return `AUTH_GRANTS_FILE (${path})`;
}

function fingerprint(read: FileRead): string {
  return 'text' in read ? createHash('sha256').update(read.text).digest('hex') : `problem: ${read.problem}`;
}

/**
 * The file's text, after checking that it is a file (not a folder, or a pipe that would never end) of at most the
 * size a grants file may have.
 */
async function readGrantsFile(path: string): Promise<FileRead> {
  try {
    const stats = await stat(path);
    const version = versionOf(stats);
    if (!stats.isFile()) return { version, problem: 'not a file' };
    if (stats.size > GRANTS_FILE_LIMITS.maxBytes)
      return { version, problem: `larger than the limit of ${GRANTS_FILE_LIMITS.maxBytes / 1024 / 1024} MiB` };
    return { version, text: await readFile(path, 'utf8') };
  } catch (error) {
    const code = errorCode(error);
    return { problem: code === 'ENOENT' ? 'file not found' : `the file cannot be read (${code})` };
  }
}

function versionOf({ dev, ino, size, mtimeMs, ctimeMs }: Stats): FileVersion {
  return { dev, ino, size, mtimeMs, ctimeMs };
}

function sameVersion(a: FileVersion | undefined, b: FileVersion | undefined): boolean {
  if (!a || !b) return a === b;
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'unknown error';
}
