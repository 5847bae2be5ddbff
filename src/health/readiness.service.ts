import { Injectable } from '@nestjs/common';

export type ReadinessProbe = () => Promise<void>;

/** What `/readyz` asks: each capability that the service cannot serve without (the store) registers a probe. */
@Injectable()
export class ReadinessService {
  private readonly probes = new Map<string, ReadinessProbe>();

  register(name: string, probe: ReadinessProbe): void {
    this.probes.set(name, probe);
  }

  /** The names of the probes that failed or took longer than `timeoutMs`. */
  async failing(timeoutMs: number): Promise<string[]> {
    const results = await Promise.all(
      [...this.probes].map(async ([name, probe]) => {
        try {
          await withTimeout(probe(), timeoutMs);
          return undefined;
        } catch {
          return name;
        }
      }),
    );
    return results.filter((name): name is string => name !== undefined);
  }
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
