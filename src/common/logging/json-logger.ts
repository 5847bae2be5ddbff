import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { currentRequestId } from '../request-context.js';

/**
 * Keys whose values never reach a log line, at any depth and in any letter case: credentials and the material
 * they are made of. Defence in depth: code must not log them in the first place (STYLE §5 "Logging").
 */
const REDACTED_KEYS = [
  'authorization',
  'token',
  'accessToken',
  'access_token',
  'password',
  'kubeConfig',
  'caCert',
  'clientCert',
  'clientKey',
  'certificate',
  'privateKey',
  'encryptionKey',
  'secret',
];

/**
 * Nest's JSON console logger, plus the current request id on every line and credential redaction. Stack traces are
 * written only at the `debug` level: a line per failure is what operators read, a stack in every line is noise that
 * any client able to provoke an error could multiply (and it names files and libraries).
 */
export class JsonLogger extends ConsoleLogger {
  constructor(logLevels: LogLevel[]) {
    super({ json: true, logLevels, redact: { paths: REDACTED_KEYS, censor: '[redacted]' } });
  }

  protected override getJsonLogObject(
    message: unknown,
    options: Parameters<ConsoleLogger['getJsonLogObject']>[1],
  ): ReturnType<ConsoleLogger['getJsonLogObject']> {
    const record = super.getJsonLogObject(message, options);
    if (!this.isLevelEnabled('debug')) withoutStacks(record);
    const requestId = currentRequestId();
    return requestId ? { ...record, requestId } : record;
  }
}

/** Removes the record's stack and its serialized error's (with their causes'); the record is the logger's own copy. */
function withoutStacks(record: Record<string, unknown>): void {
  delete record.stack;
  if (typeof record.error === 'object' && record.error !== null) withoutErrorStacks(record.error);
}

interface SerializedError {
  stack?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function withoutErrorStacks(error: SerializedError): void {
  delete error.stack;
  const nested = [error.cause, ...(Array.isArray(error.errors) ? (error.errors as unknown[]) : [])];
  for (const inner of nested) if (typeof inner === 'object' && inner !== null) withoutErrorStacks(inner);
}
