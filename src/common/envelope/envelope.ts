import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_REASONS, type ErrorReason } from '../errors/api-error.js';

/** The body of every successful HTTP response (api.md §1); `data` is typed per operation. */
export class Envelope {
  @ApiProperty({ description: 'Equals the HTTP status', example: 200 })
  code!: number;

  @ApiProperty({ description: '"success" unless the operation says otherwise', example: 'success' })
  message!: string;
}

export class ErrorDetailDto {
  @ApiProperty({ description: 'The request field that failed, dotted for nested fields', example: 'pageSize' })
  field!: string;

  @ApiProperty({ example: 'pageSize must not be greater than 500' })
  message!: string;
}

/** The body of every error response. */
export class ErrorEnvelope {
  @ApiProperty({ description: 'Equals the HTTP status', example: 404 })
  code!: number;

  @ApiProperty({ description: 'What went wrong, for people', example: 'pod "x" not found in namespace "default"' })
  message!: string;

  @ApiProperty({
    description: 'What went wrong, for programs: a stable word',
    enum: ERROR_REASONS,
    example: 'NotFound',
  })
  reason!: ErrorReason;

  @ApiProperty({ type: 'null', nullable: true, example: null })
  data!: null;

  @ApiProperty({
    description: 'Correlates this answer with the service log (also in the X-Request-Id header)',
    example: '8d3c2f7e-4f1a-4c1e-9b1e-2f9e1c3a7b10',
  })
  requestId!: string;

  @ApiPropertyOptional({ description: 'One entry per failing field (validation errors)', type: [ErrorDetailDto] })
  details?: ErrorDetailDto[];
}
