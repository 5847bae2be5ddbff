/** The machine a benchmark ran on, as its results record it: its numbers depend on what else the machine ran. */
import os from 'node:os';

export interface Machine {
  nproc: number;
  cpu: string;
  node: string;
  /** The 1, 5 and 15 minute load averages when the bench started and when it ended (filled in then). */
  loadAverage: { start: number[]; end: number[] };
}

export function machineAtStart(): Machine {
  return {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadAverage: { start: os.loadavg(), end: [] },
  };
}

/** The line under a results heading, for a bench whose client, service and simulator share the machine. */
export function describeMachine(machine: Machine): string {
  return (
    `${machine.nproc} CPUs (${machine.cpu}) shared by the simulator, the service and the bench; Node ${machine.node}; ` +
    `load average ${loadAverages(machine)}`
  );
}

/** `0.52 0.61 0.70 at start, 1.93 1.20 0.88 at end` */
export function loadAverages(machine: Machine): string {
  const format = (loads: number[]) => loads.map((load) => load.toFixed(2)).join(' ');
  return `${format(machine.loadAverage.start)} at start, ${format(machine.loadAverage.end)} at end`;
}
