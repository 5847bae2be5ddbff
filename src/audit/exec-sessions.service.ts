import { Injectable, Logger, StreamableFile } from '@nestjs/common';
import { ApiError } from '../common/errors/api-error.js';
import type { Page } from '../common/pagination/page.js';
import { toExecSession, type ExecSession } from './dto/exec-session.dto.js';
import type { ListExecSessionsQuery } from './dto/list-exec-sessions.query.js';
import { ExecSessionRepository } from './exec-session.repository.js';
import { RecordingStore } from './recording-store.js';

/** Reading the terminal sessions' audit log and their recordings (api.md §5). */
@Injectable()
export class ExecSessionsService {
  private readonly logger = new Logger(ExecSessionsService.name);

  constructor(
    private readonly sessions: ExecSessionRepository,
    private readonly recordings: RecordingStore,
  ) {}

  async list(query: ListExecSessionsQuery): Promise<Page<ExecSession>> {
    const { page, pageSize, clusterId, namespace, pod, since, until } = query;
    const found = await this.sessions.list({ clusterId, namespace, pod, since, until }, { page, pageSize });
    return { ...found, items: found.items.map(toExecSession) };
  }

  /** The session's recording, streamed from the store as the client reads it (as far as it is written). */
  async recording(id: string): Promise<StreamableFile> {
    const session = await this.sessions.get(id);
    if (!session) throw ApiError.notFound(`terminal session "${id}" not found`);
    const stream = session.recording === null ? undefined : await this.recordings.open(session.recording);
    if (!stream) throw ApiError.notFound(`terminal session "${id}" has no recording`);
    return new StreamableFile(stream, {
      type: 'application/x-asciicast',
      // An attachment: a browser never renders what a terminal showed as a page of this origin.
      disposition: `attachment; filename="${id}.cast"`,
    }).setErrorLogger((error) =>
      this.logger.warn({ event: 'exec.recording.read.failed', sessionId: id, detail: error.message }),
    );
  }
}
