/**
 * The service's inspector (it runs with `--inspect=127.0.0.1:0`): forced collections before its memory is read, and
 * CPU profiles.
 */
import { rssMiB } from './proc-stats.ts';

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

/** The Chrome DevTools Protocol's `Profiler.Profile`, as `.cpuprofile` files hold it. */
export interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface Memory {
  rssMiB: number;
  heapUsedMiB: number;
  externalMiB: number;
}

/** A minimal Chrome DevTools Protocol client over Node's global WebSocket. */
export class Inspector {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private readonly socket: WebSocket;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.addEventListener('message', (event: MessageEvent) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = message.id === undefined ? undefined : this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id!);
      if (message.error) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result);
    });
  }

  static connect(url: string): Promise<Inspector> {
    return new Promise((resolveConnect, reject) => {
      const socket = new WebSocket(url);
      socket.addEventListener('open', () => resolveConnect(new Inspector(socket)), { once: true });
      socket.addEventListener('error', () => reject(new Error(`cannot reach the inspector at ${url}`)), { once: true });
    });
  }

  send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ id, method, params }));
    return new Promise<T>((resolveSend, reject) =>
      this.pending.set(id, { resolve: (value) => resolveSend(value as T), reject }),
    );
  }

  /** Samples every 0.5 ms. */
  async startProfiling(): Promise<void> {
    await this.send('Profiler.enable');
    await this.send('Profiler.setSamplingInterval', { interval: 500 });
    await this.send('Profiler.start');
  }

  async stopProfiling(): Promise<CpuProfile> {
    return (await this.send<{ profile: CpuProfile }>('Profiler.stop')).profile;
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * The service's memory after two full collections, by `gc()` (the service runs with `--expose-gc`) and not by the
 * inspector's `HeapProfiler.collectGarbage`: that one reduces memory, after which V8 lets the old generation grow only
 * ~8 % before its next major collection and shrinks the young generation (3 × the scavenges), so the load that
 * followed met a major collection within a minute — a state production reaches after idling, not under load.
 */
export async function memoryAfterGc(inspectorUrl: string, pid: number): Promise<Memory> {
  const inspector = await Inspector.connect(inspectorUrl);
  try {
    const evaluated = await inspector.send<{ result: { value: string } }>('Runtime.evaluate', {
      expression: 'gc(), gc(), JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    });
    const usage = JSON.parse(evaluated.result.value) as NodeJS.MemoryUsage;
    return { rssMiB: rssMiB(pid), heapUsedMiB: usage.heapUsed / 1048576, externalMiB: usage.external / 1048576 };
  } finally {
    inspector.close();
  }
}
