/*
 * The asciicast v2 recording format (https://docs.asciinema.org/manual/asciicast/v2/), as newline-delimited JSON: a
 * header object on the first line, then one `[time, code, data]` array per event, `time` in seconds since the
 * recording started. JSON escapes every line break inside a string, so an event is always exactly one line and a
 * recording can be appended to as the session goes and read back line by line.
 */

export interface AsciicastHeader {
  /** The terminal's columns and rows when the recording starts. */
  width: number;
  height: number;
  /** When the recording started, in whole seconds since the Unix epoch. */
  timestamp: number;
  title?: string;
}

/** `o`: output written to the terminal; `i`: input typed into it; `r`: the terminal was resized (`COLSxROWS`). */
export type AsciicastEventCode = 'o' | 'i' | 'r';

export function asciicastHeader({ width, height, timestamp, title }: AsciicastHeader): string {
  return `${JSON.stringify({ version: 2, width, height, timestamp, ...(title === undefined ? {} : { title }) })}\n`;
}

/** One event line; `seconds` is rounded to microseconds (as asciinema writes it) and never below zero. */
export function asciicastEvent(seconds: number, code: AsciicastEventCode, data: string): string {
  const time = Math.max(0, Math.round(seconds * 1e6) / 1e6);
  return `${JSON.stringify([time, code, data])}\n`;
}

/** The data of an `r` event. */
export function resizeData(cols: number, rows: number): string {
  return `${cols}x${rows}`;
}
