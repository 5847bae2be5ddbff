import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger, StreamableFile } from '@nestjs/common';
import type { Identity } from '../auth/identity.js';
import { ClusterConnections } from '../clusters/cluster-connections.js';
import { asApiError } from '../common/errors/api-error.js';
import { logsConfig, type LogsConfig } from '../config/logs.config.js';
import type { PodParams } from '../pods/dto/pod.params.js';
import { readCappedLog, upstreamLimitBytes } from './capped-log.js';
import type { GetLogsQuery } from './dto/get-logs.query.js';
import type { LogsResult } from './dto/logs-result.dto.js';
import { logFileName } from './log-file-name.js';
import { openPodLog, type PodLogRequest } from './pod-log.js';

/** REST reads of a container's log (api.md §4.1): capped as JSON, or streamed whole as a file. */
@Injectable()
export class LogsService {
  private readonly logger = new Logger(LogsService.name);

  constructor(
    private readonly connections: ClusterConnections,
    @Inject(logsConfig.KEY) private readonly config: LogsConfig,
  ) {}

  /** The log as one text, at most `LOGS_MAX_BYTES` of it (`truncated` when the cap cut it). */
  async read(target: PodParams, query: GetLogsQuery, caller: Identity, signal: AbortSignal): Promise<LogsResult> {
    const connection = await this.connections.get(target.clusterId);
    const done = new AbortController();
    const request = { ...toLogRequest(query), limitBytes: upstreamLimitBytes(query.limitBytes, this.config.maxBytes) };
    try {
      const { container, body } = await openPodLog(connection, target, request, {
        caller,
        signal: AbortSignal.any([signal, done.signal]),
      });
      return { container, ...(await readCappedLog(body, this.config.maxBytes)) };
    } finally {
      done.abort(); // a log cut at the cap is not read to its end
    }
  }

  /**
   * The whole log as a `text/plain` attachment, pulled from the cluster as the client reads it (never held here).
   * The answer starts only once the cluster has sent its first bytes, so that a failure before them is still an
   * error envelope; the client going away ends the upstream request (`signal`).
   */
  async download(
    target: PodParams,
    query: GetLogsQuery,
    caller: Identity,
    signal: AbortSignal,
  ): Promise<StreamableFile> {
    const connection = await this.connections.get(target.clusterId);
    const { container, body } = await openPodLog(connection, target, toLogRequest(query), { caller, signal });
    await firstBytes(body);
    return new StreamableFile(body, {
      type: 'text/plain; charset=utf-8',
      disposition: `attachment; filename="${logFileName(target.name, container)}"`,
    }).setErrorLogger((error) =>
      this.logger.warn({
        event: 'logs.download.failed',
        clusterId: target.clusterId,
        namespace: target.namespace,
        pod: target.name,
        container,
        reason: asApiError(error).message,
      }),
    );
  }
}

function toLogRequest(query: GetLogsQuery): PodLogRequest {
  return {
    container: query.container,
    previous: query.previous,
    sinceSeconds: query.sinceSeconds,
    sinceTime: query.sinceTime,
    tailLines: query.tailLines,
    timestamps: query.timestamps,
    limitBytes: query.limitBytes,
  };
}

/**
 * Resolves once the body holds its first bytes or has ended; rejects with its error (an ApiError) if it fails before,
 * as it does when the client goes away: that aborts the upstream request.
 */
async function firstBytes(body: Readable): Promise<void> {
  if (body.readableLength > 0 || body.readableEnded) return;
  await once(body, 'readable');
}
