import type { LoggerService } from '@nestjs/common';
import { currentRequestId } from '../../src/common/request-context.js';

export interface CapturedLine {
  level: string;
  message: unknown;
  context?: string;
  /** The request id current when the line was written: what the JSON logger adds to the line. */
  requestId?: string;
}

type EventLine = CapturedLine & { message: Record<string, unknown> };

/**
 * A Nest logger that keeps the lines instead of printing them, so a test can wait for a log event the service emits
 * (`eventually(() => logs.find(...))`) where nothing else tells the outside that it happened, or check what a line
 * carries.
 */
export class LogCapture implements LoggerService {
  readonly lines: CapturedLine[] = [];

  log(message: unknown, context?: string): void {
    this.record('log', message, context);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.record('error', message, rest.at(-1) as string | undefined);
  }
  warn(message: unknown, context?: string): void {
    this.record('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.record('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.record('verbose', message, context);
  }
  fatal(message: unknown, context?: string): void {
    this.record('fatal', message, context);
  }

  /** The structured lines (`logger.log({ event, ... })`) whose `event` is `event`. */
  eventLines(event: string): EventLine[] {
    return this.lines.filter(
      (line): line is EventLine =>
        typeof line.message === 'object' &&
        line.message !== null &&
        (line.message as { event?: unknown }).event === event,
    );
  }

  /** The messages of `eventLines(event)`. */
  events(event: string): Record<string, unknown>[] {
    return this.eventLines(event).map((line) => line.message);
  }

  /** The lines written at `level`. */
  atLevel(level: string): CapturedLine[] {
    return this.lines.filter((line) => line.level === level);
  }

  private record(level: string, message: unknown, context?: string): void {
    this.lines.push({ level, message, context, requestId: currentRequestId() });
  }
}
