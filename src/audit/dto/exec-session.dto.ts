import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../../common/pagination/page.js';
import { EXEC_SESSION_OUTCOMES, type ExecSessionOutcome } from '../exec-audit.js';
import type { ExecSessionRecord } from '../exec-session-record.js';

/** One terminal session in the audit log; the end fields are null while it runs, or when its end never came. */
export class ExecSession {
  @ApiProperty({ format: 'uuid', example: '0b8f6a52-5d0e-4f5c-9a57-1c1f0e9f3b1d' })
  id!: string;

  @ApiProperty({ description: 'The id of the request that opened the terminal (its X-Request-Id)' })
  requestId!: string;

  @ApiProperty({ description: 'Who opened it: the authenticated identity, `anonymous` without authentication' })
  caller!: string;

  @ApiProperty({ example: 'prod-eu' })
  clusterId!: string;

  @ApiProperty({ example: 'shop' })
  namespace!: string;

  @ApiProperty({ example: 'web-0' })
  pod!: string;

  @ApiProperty({ example: 'nginx' })
  container!: string;

  @ApiProperty({ type: [String], description: 'The program and its arguments, as run', example: ['/bin/sh'] })
  argv!: string[];

  @ApiProperty({ format: 'date-time', example: '2026-01-01T00:00:00.000Z' })
  startedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-01-01T00:05:00.000Z' })
  endedAt!: string | null;

  @ApiProperty({ type: 'integer', nullable: true, example: 300000, description: 'From start to end' })
  durationMs!: number | null;

  @ApiProperty({
    enum: EXEC_SESSION_OUTCOMES,
    nullable: true,
    description:
      'How it ended: `exited` (see exitCode), `client-closed`, `idle-timeout`, `max-duration`, `upstream-failed`, `cluster-removed`, `service-stopping`',
  })
  outcome!: ExecSessionOutcome | null;

  @ApiProperty({ type: 'integer', nullable: true, example: 0, description: 'The exit code, when it exited' })
  exitCode!: number | null;

  @ApiProperty({ type: 'integer', nullable: true, example: 120, description: 'Bytes the client typed' })
  bytesIn!: number | null;

  @ApiProperty({ type: 'integer', nullable: true, example: 4096, description: 'Bytes the process wrote' })
  bytesOut!: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why it ended, for an outcome other than `exited`' })
  detail!: string | null;

  @ApiProperty({
    description: 'Whether it was recorded: `GET /api/audit/sessions/{id}/recording` serves the recording',
  })
  recording!: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why the recording is missing or incomplete, when it is',
    example: null,
  })
  recordingError!: string | null;
}

export const ExecSessionPage = PageOf(ExecSession, 'ExecSessionPage');

export function toExecSession(record: ExecSessionRecord): ExecSession {
  const { recording, ...fields } = record;
  return {
    ...fields,
    durationMs: record.endedAt === null ? null : Date.parse(record.endedAt) - Date.parse(record.startedAt),
    recording: recording !== null,
  };
}
