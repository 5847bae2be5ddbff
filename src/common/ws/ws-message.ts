import { plainToInstance } from 'class-transformer';
import { IsString, validateSync } from 'class-validator';
import type { RawData } from 'ws';
import { ApiError, retryAfterSeconds, type ErrorReason } from '../errors/api-error.js';
import { assertNoReservedKeys } from '../validation/reserved-keys.js';
import { validationDetails } from '../validation/validation-details.js';

/** `{"type":"error", ...}` as every WebSocket channel of the contract sends it. */
export interface WsErrorMessage {
  type: 'error';
  code: number;
  reason: ErrorReason;
  message: string;
  details?: { field: string; message: string }[];
  /** With a 429 from a per-caller limit: the seconds after which the same request may succeed. */
  retryAfterSeconds?: number;
}

export function wsErrorMessage(error: ApiError): WsErrorMessage {
  const retryAfter = retryAfterSeconds(error);
  return {
    type: 'error',
    code: error.status,
    reason: error.reason,
    message: error.message,
    ...(error.details ? { details: error.details } : {}),
    ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
  };
}

/** Base of every client message class: declares `type`, which the validator would otherwise reject as unknown. */
export class ClientMessage {
  @IsString()
  type!: string;
}

/** The message classes a channel accepts, by their `type`. */
export type MessageClasses = Record<string, new () => object>;

export type MessageOf<C extends MessageClasses> = { [K in keyof C]: InstanceType<C[K]> & { type: K } }[keyof C];

/**
 * Reads one client message of the contract's `{"type": ...}` shape into its class and validates it with the same
 * class-validator rules as the HTTP DTOs. Throws `ApiError` 400 (`BadRequest` for a frame that is not a JSON
 * object with a known type, `ValidationFailed` with details for a bad field).
 */
export function parseMessage<C extends MessageClasses>(classes: C, raw: RawData | string): MessageOf<C> {
  const text = rawText(raw);
  let plain: unknown;
  try {
    plain = JSON.parse(text);
  } catch {
    throw ApiError.badRequest('the message is not valid JSON');
  }
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain))
    throw ApiError.badRequest('the message must be a JSON object');
  const type = (plain as { type?: unknown }).type;
  const known = Object.keys(classes);
  if (typeof type !== 'string' || !Object.hasOwn(classes, type)) {
    throw ApiError.badRequest(
      `unknown message type${typeof type === 'string' ? ` "${type.slice(0, 64)}"` : ''}; expected one of: ${known.join(', ')}`,
    );
  }
  assertNoReservedKeys(plain);
  const message = plainToInstance(classes[type], plain);
  const errors = validateSync(message, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) throw ApiError.validation(validationDetails(errors));
  return message as MessageOf<C>;
}

/**
 * A WebSocket route's path parameters checked with the same rules as HTTP routes (`shape`, a params DTO): the
 * ApiError they break, or undefined.
 */
export function invalidRouteParams(shape: new () => object, params: Record<string, string>): ApiError | undefined {
  const errors = validateSync(plainToInstance(shape, params), { whitelist: true, forbidUnknownValues: true });
  return errors.length > 0 ? ApiError.validation(validationDetails(errors)) : undefined;
}

/** A frame's text, whichever of its shapes `ws` delivered it in. */
export function rawText(raw: RawData | string): string {
  if (typeof raw === 'string') return raw;
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return Buffer.from(raw).toString('utf8');
}
