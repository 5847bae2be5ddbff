import type { LoggerService } from '@nestjs/common';

export interface CapturedLine {
  level: string;
  message: unknown;
  context?: string;
}

/**
 * A Nest logger that keeps the lines instead of printing them, so a test can wait for a log event the service emits
 * (`eventually(() => logs.find(...))`) where nothing else tells the outside that it happened.
 */
export class LogCapture implements LoggerService {
  readonly lines: CapturedLine[] = [];

  log(message: unknown, context?: string): void {
    this.lines.push({ level: 'log', message, context });
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.lines.push({ level: 'error', message, context: rest.at(-1) as string | undefined });
  }
  warn(message: unknown, context?: string): void {
    this.lines.push({ level: 'warn', message, context });
  }
  debug(message: unknown, context?: string): void {
    this.lines.push({ level: 'debug', message, context });
  }
  verbose(message: unknown, context?: string): void {
    this.lines.push({ level: 'verbose', message, context });
  }

  /** The structured lines (`logger.log({ event, ... })`) whose `event` is `event`. */
  events(event: string): Record<string, unknown>[] {
    return this.lines
      .map((line) => line.message)
      .filter(
        (message): message is Record<string, unknown> =>
          typeof message === 'object' && message !== null && (message as { event?: unknown }).event === event,
      );
  }
}
