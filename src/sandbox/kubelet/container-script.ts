import type { KubePod } from '../../common/kube/kube-objects.js';
import { LOG_EVERY_MS_ANNOTATION, LOGS_ANNOTATION, readLogScript, type LogScript } from '../containers/log-script.js';

/** `<ms>`: the container exits this long after it started (then restarts per the pod's restartPolicy). */
export const EXIT_AFTER_MS_ANNOTATION = 'sandbox.podapi.dev/exit-after-ms';
/** The exit code of that exit (default 0). */
export const EXIT_CODE_ANNOTATION = 'sandbox.podapi.dev/exit-code';
/** `fail`: pulling the image fails (ErrImagePull, then ImagePullBackOff). */
export const IMAGE_PULL_ANNOTATION = 'sandbox.podapi.dev/image-pull';

/** What a simulated container does, read from the pod's annotations (`<key>.<container>` overrides `<key>`). */
export interface ContainerScript {
  logs: LogScript;
  /** Set when the script gave lines: otherwise the image's usual lines are written. */
  scripted: boolean;
  exitAfterMs?: number;
  exitCode: number;
  pullFails: boolean;
}

export function readContainerScript(pod: KubePod, container: string): ContainerScript {
  const annotations = pod.metadata.annotations ?? {};
  const value = (key: string): string | undefined => annotations[`${key}.${container}`] ?? annotations[key];
  const logs = readLogScript({
    ...pod,
    metadata: {
      annotations: {
        ...(value(LOGS_ANNOTATION) !== undefined ? { [LOGS_ANNOTATION]: value(LOGS_ANNOTATION)! } : {}),
        ...(value(LOG_EVERY_MS_ANNOTATION) !== undefined
          ? { [LOG_EVERY_MS_ANNOTATION]: value(LOG_EVERY_MS_ANNOTATION)! }
          : {}),
      },
    },
  });
  const exitAfter = Number(value(EXIT_AFTER_MS_ANNOTATION));
  const exitCode = Number(value(EXIT_CODE_ANNOTATION) ?? 0);
  return {
    logs,
    scripted: logs.startLines.length > 0,
    ...(Number.isFinite(exitAfter) && exitAfter >= 0 && value(EXIT_AFTER_MS_ANNOTATION) !== undefined
      ? { exitAfterMs: exitAfter }
      : {}),
    exitCode: Number.isInteger(exitCode) && exitCode >= 0 && exitCode <= 255 ? exitCode : 1,
    pullFails: value(IMAGE_PULL_ANNOTATION) === 'fail',
  };
}
