import { applyDecorators, HttpStatus, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath, type ReferenceObject, type SchemaObject } from '@nestjs/swagger';
import { Envelope, ErrorEnvelope } from './envelope.js';

export interface ApiEnvelopeOptions {
  /** Success status (default 200). */
  status?: number;
  /** `data` is an array of the model. */
  isArray?: boolean;
  /** Error statuses this operation may answer besides 400 and 500. */
  errors?: number[];
  description?: string;
  /** Example `message` for the success (default "success"). */
  message?: string;
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (ValidationFailed with details, or BadRequest)',
  401: 'Missing or invalid credentials (Unauthorized)',
  403: 'Not allowed (Forbidden), by the grants or by the cluster',
  404: 'NotFound or ClusterNotFound',
  409: 'Conflict',
  429: "TooManyRequests: the caller's limit for this kind of request is used up; try again after Retry-After seconds",
  500: 'Internal',
  502: 'The cluster could not be reached or failed (ClusterUnreachable)',
  503: 'Not ready',
  504: 'The cluster did not answer in time (UpstreamTimeout)',
};

const RETRY_AFTER_HEADER = {
  'Retry-After': {
    description: 'Seconds after which the same request may succeed',
    schema: { type: 'integer', minimum: 1 },
  },
} as const;

/**
 * Documents an operation's body as the envelope with `data` of the given model (`null` for none), and its error
 * answers as the error envelope, so generated clients know both shapes.
 */
export function ApiEnvelope(
  model: Type<unknown> | null,
  options: ApiEnvelopeOptions = {},
): MethodDecorator & ClassDecorator {
  const status = options.status ?? HttpStatus.OK;
  const data: SchemaObject | ReferenceObject =
    model === null
      ? { type: 'object', nullable: true, example: null }
      : options.isArray
        ? { type: 'array', items: { $ref: getSchemaPath(model) } }
        : { $ref: getSchemaPath(model) };
  return applyDecorators(
    ApiExtraModels(Envelope, ErrorEnvelope, ...(model ? [model] : [])),
    ApiResponse({
      status,
      description: options.description ?? 'Success',
      schema: {
        allOf: [
          { $ref: getSchemaPath(Envelope) },
          {
            properties: {
              code: { type: 'integer', example: status },
              message: { type: 'string', example: options.message ?? 'success' },
              data,
            },
            required: ['data'],
          },
        ],
      },
    }),
    ApiErrorEnvelopes(options.errors),
  );
}

/**
 * Documents an operation's error answers (400, 500 and `errors`) as the error envelope, for an operation whose
 * success is no envelope (a file download).
 */
export function ApiErrorEnvelopes(errors: number[] = []): MethodDecorator & ClassDecorator {
  const statuses = [...new Set([400, ...errors, 500])].sort((a, b) => a - b);
  return applyDecorators(
    ApiExtraModels(ErrorEnvelope),
    ...statuses.map((code) =>
      ApiResponse({
        status: code,
        description: ERROR_DESCRIPTIONS[code] ?? 'Error',
        type: ErrorEnvelope,
        ...(code === 429 ? { headers: RETRY_AFTER_HEADER } : {}),
      }),
    ),
  );
}
