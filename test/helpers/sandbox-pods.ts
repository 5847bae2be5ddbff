import type { KubePod } from '../../src/common/kube/kube-objects.js';
import { EXIT_AFTER_MS_ANNOTATION } from '../../src/sandbox/kubelet/container-script.js';
import { LOG_EVERY_MS_ANNOTATION, LOGS_ANNOTATION } from '../../src/sandbox/containers/log-script.js';

export { EXIT_AFTER_MS_ANNOTATION, LOG_EVERY_MS_ANNOTATION, LOGS_ANNOTATION };

export interface PodManifestOptions {
  /** Container names (one `app` by default). */
  containers?: string[];
  initContainers?: string[];
  annotations?: Record<string, string>;
  nodeName?: string;
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
}

/** A pod of the `default` namespace as a client would create it in the simulator (busybox containers). */
export function podManifest(name: string, options: PodManifestOptions = {}): KubePod {
  const container = (containerName: string) => ({ name: containerName, image: 'busybox:1.37' });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', annotations: options.annotations ?? {} },
    spec: {
      ...(options.nodeName ? { nodeName: options.nodeName } : {}),
      ...(options.restartPolicy ? { restartPolicy: options.restartPolicy } : {}),
      ...(options.initContainers ? { initContainers: options.initContainers.map(container) } : {}),
      containers: (options.containers ?? ['app']).map(container),
    },
  };
}

/** The annotations making each named container of a simulated pod write these lines when it starts. */
export function scriptedLogs(lines: Record<string, string[]>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(lines).map(([container, text]) => [`${LOGS_ANNOTATION}.${container}`, JSON.stringify(text)]),
  );
}
