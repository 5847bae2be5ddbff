import { ApiProperty } from '@nestjs/swagger';

/** A container's log as one text (api.md §4.1). */
export class LogsResult {
  @ApiProperty({
    description:
      'The log, as `kubectl logs` prints it with the same options (lines end with their newline); never cut inside a character',
    example: '2026/01/01 00:00:00 [notice] 1#1: start worker processes\n',
  })
  logs!: string;

  @ApiProperty({ description: 'The container read: the one asked for, or the pod’s default', example: 'nginx' })
  container!: string;

  @ApiProperty({
    description:
      'Whether the service-wide cap (LOGS_MAX_BYTES) cut the log: then `logs` holds its beginning. A `limitBytes` the client set does not count.',
    example: false,
  })
  truncated!: boolean;
}
