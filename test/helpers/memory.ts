import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Heap and buffers this process still holds once garbage is freed: an app built by createTestApp runs here, so this
 * is the service's memory. Two full collections: V8 frees the memory of dead Buffers on a background thread after
 * the first, and the second waits for that, so that the reading no longer counts them.
 */
export function memoryHeld(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}
