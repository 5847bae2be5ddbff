import type { KubePod } from '../../common/kube/kube-objects.js';

/** JSON array of strings: the lines every container of the pod writes when it starts. */
export const LOGS_ANNOTATION = 'sandbox.podapi.dev/logs';
/** Milliseconds: after the start lines, one more line from the array, cyclically, at this interval. */
export const LOG_EVERY_MS_ANNOTATION = 'sandbox.podapi.dev/log-every-ms';

/** Intervals shorter than this are raised to it, so one annotation cannot turn the simulator into a busy loop. */
export const MIN_LOG_EVERY_MS = 10;

export interface LogScript {
  /** Written at container start, in order. */
  startLines: string[];
  /** When set: every `everyMs`, the next line of `startLines`, cycling (needs at least one line). */
  everyMs?: number;
}

/**
 * The log lines a pod scripts for its containers through annotations; an unusable annotation (not a JSON array
 * of strings, not a positive number) is ignored. The caller owns the timers and calls `ContainerLogStore.append`;
 * `periodicLine(script, n)` gives the n-th periodic line.
 */
export function readLogScript(pod: KubePod): LogScript {
  const annotations = pod.metadata.annotations ?? {};
  const startLines = parseLines(annotations[LOGS_ANNOTATION]);
  const every = Number(annotations[LOG_EVERY_MS_ANNOTATION]);
  if (startLines.length > 0 && Number.isFinite(every) && every > 0) {
    return { startLines, everyMs: Math.max(MIN_LOG_EVERY_MS, every) };
  }
  return { startLines };
}

/** The line written at the `tick`-th interval (0-based): the array read cyclically. */
export function periodicLine(script: LogScript, tick: number): string | undefined {
  if (script.startLines.length === 0) return undefined;
  return script.startLines[tick % script.startLines.length];
}

function parseLines(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  try {
    const value: unknown = JSON.parse(raw);
    return Array.isArray(value) && value.every((line) => typeof line === 'string') ? value : [];
  } catch {
    return [];
  }
}
