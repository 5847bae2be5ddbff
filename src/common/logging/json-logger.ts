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

/** Nest's JSON console logger, plus the current request id on every line and credential redaction. */
export class JsonLogger extends ConsoleLogger {
  constructor(logLevels: LogLevel[]) {
    super({ json: true, logLevels, redact: { paths: REDACTED_KEYS, censor: '[redacted]' } });
  }

  protected override getJsonLogObject(
    message: unknown,
    options: Parameters<ConsoleLogger['getJsonLogObject']>[1],
  ): ReturnType<ConsoleLogger['getJsonLogObject']> {
    const record = super.getJsonLogObject(message, options);
    const requestId = currentRequestId();
    return requestId ? { ...record, requestId } : record;
  }
}
