/** What Linux's /proc says about a process and the machine: memory, CPU time, CPU time taken by the host. */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export function rssMiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) / 1024;
}

/** utime + stime of a process, in ms (/proc/<pid>/stat, in clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * CPU time the hypervisor gave to others while this virtual machine's CPUs wanted to run ("steal" in /proc/stat,
 * all CPUs), in ms; NaN where there is no /proc/stat. A shared host can take enough in a burst to stall the service.
 */
export function stolenCpuMs(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
    return Number(fields[8]) * 10; // clock ticks of 10 ms, as in cpuMs
  } catch {
    return Number.NaN;
  }
}

/**
 * Waits until the process has used at most `maxShare` of a core for half a second (what it was doing has settled);
 * false when it was still busy after `timeoutMs`.
 */
export async function waitUntilIdle(pid: number, maxShare: number, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const before = cpuMs(pid);
    await sleep(500);
    if (cpuMs(pid) - before <= maxShare * 500) return true;
    if (performance.now() > deadline) return false;
  }
}
