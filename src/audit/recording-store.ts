import type { Readable, Writable } from 'node:stream';

/**
 * Where terminal recordings are kept, each under a key (`2026-01-01/<session id>.cast`). A recording is written as
 * the session goes, never held whole in memory, and can be read while it is still being written. A folder by default
 * (FolderRecordingStore); an object store would implement the same two methods.
 */
export abstract class RecordingStore {
  /**
   * Creates the recording `key`, empty, and resolves with the stream that appends to it (`write()` as the session
   * goes, `end()` to complete it). Rejects when it exists or cannot be created.
   */
  abstract create(key: string): Promise<Writable>;

  /** The recording `key` from its start, as far as it is written; undefined when there is none. */
  abstract open(key: string): Promise<Readable | undefined>;
}
