import { KubeStatusError } from '../kube-status-error.js';

/**
 * Which requests a fault applies to: a path prefix (or a `*` glob), and a Kubernetes verb (`list`, `watch`, `get`,
 * `create`, `delete`…) or, in capitals, an HTTP method (`GET`, `POST`…).
 */
export interface FaultMatch {
  path?: string;
  verb?: string;
}

export interface LatencyFault extends FaultMatch {
  ms: number;
  /** A random extra delay of up to this many milliseconds. */
  jitterMs?: number;
}

export interface FailNextFault extends FaultMatch {
  /** The HTTP status to answer with (429, 500, 503, 504, …). */
  status: number;
  /** How many matching requests fail (default 1). */
  count?: number;
  retryAfterSeconds?: number;
}

export interface FailRateFault extends FaultMatch {
  status: number;
  /** The share of matching requests that fail, 0–1. */
  rate: number;
  retryAfterSeconds?: number;
}

export interface FaultState {
  latency?: LatencyFault;
  failNext: FailNextFault[];
  failRate?: FailRateFault;
  dropWatchesEveryMs?: number;
  stallLogs: boolean;
}

export interface FaultRequest {
  method: string;
  path: string;
  verb?: string;
}

export interface InjectedFailure {
  error: KubeStatusError;
  headers: Record<string, string>;
}

export interface FaultHooks {
  /** Cuts every open watch; answers how many there were. */
  dropWatches(): number;
  setLogsStalled(stalled: boolean): void;
}

/**
 * Faults a test (or a benchmark, through `/sandbox/faults`) switches on: latency, 429/500 answers for the next N
 * requests or a share of them, open watches cut now or periodically, log streams that stall.
 */
export class SandboxFaults {
  private latencyRule?: LatencyFault;
  private failures: (FailNextFault & { count: number })[] = [];
  private rateRule?: FailRateFault;
  private dropTimer?: NodeJS.Timeout;
  private dropEveryMs?: number;
  private logsStalled = false;

  constructor(
    private readonly hooks: FaultHooks,
    private readonly random: () => number = Math.random,
  ) {}

  /** The latency fault: `faults.latency = 200` or `{ ms, jitterMs, path, verb }`; `undefined` or 0 turns it off. */
  get latency(): LatencyFault | undefined {
    return this.latencyRule;
  }

  set latency(latency: number | LatencyFault | undefined) {
    this.setLatency(latency);
  }

  /** Delays every matching request by `ms` (plus up to `jitterMs`); `undefined` or 0 turns it off. */
  setLatency(latency: number | LatencyFault | undefined): void {
    const rule = typeof latency === 'number' ? { ms: latency } : latency;
    this.latencyRule = rule && rule.ms > 0 ? rule : undefined;
  }

  /** Cuts the open watches now; with `everyMs`, again at that interval until cleared. Answers how many were cut. */
  dropWatches(options: { everyMs?: number } = {}): number {
    const dropped = this.hooks.dropWatches();
    if (options.everyMs !== undefined) this.dropWatchesEvery(options.everyMs);
    return dropped;
  }

  dropWatchesEvery(everyMs: number | undefined): void {
    if (this.dropTimer) clearInterval(this.dropTimer);
    this.dropTimer = undefined;
    this.dropEveryMs = undefined;
    if (everyMs === undefined || everyMs <= 0) return;
    this.dropEveryMs = everyMs;
    this.dropTimer = setInterval(() => this.hooks.dropWatches(), everyMs);
    this.dropTimer.unref();
  }

  /** The next `count` (default 1) matching requests get `status`. */
  failNext(fault: FailNextFault): void {
    this.failures.push({ ...fault, count: fault.count ?? 1 });
  }

  /** A share `rate` of the matching requests get `status`, until cleared (rate 0 or undefined turns it off). */
  failRate(fault: FailRateFault | undefined): void {
    this.rateRule = fault && fault.rate > 0 ? fault : undefined;
  }

  /** Open and future log streams stop delivering lines (they stay open) until un-stalled. */
  stallLogs(stalled: boolean): void {
    this.logsStalled = stalled;
    this.hooks.setLogsStalled(stalled);
  }

  clear(): void {
    this.latencyRule = undefined;
    this.failures = [];
    this.rateRule = undefined;
    this.dropWatchesEvery(undefined);
    this.stallLogs(false);
  }

  state(): FaultState {
    return {
      ...(this.latencyRule ? { latency: this.latencyRule } : {}),
      failNext: this.failures.map((failure) => ({ ...failure })),
      ...(this.rateRule ? { failRate: this.rateRule } : {}),
      ...(this.dropEveryMs ? { dropWatchesEveryMs: this.dropEveryMs } : {}),
      stallLogs: this.logsStalled,
    };
  }

  /** How long to hold a request before answering it. */
  delayFor(request: FaultRequest): number {
    const rule = this.latencyRule;
    if (!rule || !matches(rule, request)) return 0;
    return rule.ms + (rule.jitterMs ? Math.floor(this.random() * rule.jitterMs) : 0);
  }

  /** The injected failure for a request, if any (consumes one of a `failNext` count). */
  failureFor(request: FaultRequest): InjectedFailure | undefined {
    const index = this.failures.findIndex((failure) => matches(failure, request));
    if (index >= 0) {
      const failure = this.failures[index];
      failure.count -= 1;
      if (failure.count <= 0) this.failures.splice(index, 1);
      return injected(failure.status, failure.retryAfterSeconds);
    }
    const rate = this.rateRule;
    if (rate && matches(rate, request) && this.random() < rate.rate)
      return injected(rate.status, rate.retryAfterSeconds);
    return undefined;
  }

  stop(): void {
    this.dropWatchesEvery(undefined);
  }
}

function matches(rule: FaultMatch, request: FaultRequest): boolean {
  // `GET`, `POST`…: an HTTP method; `get`, `list`, `watch`…: a Kubernetes verb.
  if (rule.verb && (rule.verb === rule.verb.toUpperCase() ? rule.verb !== request.method : rule.verb !== request.verb))
    return false;
  if (rule.path) {
    if (rule.path.includes('*')) {
      const pattern = new RegExp(`^${rule.path.split('*').map(escapeRegExp).join('.*')}$`);
      if (!pattern.test(request.path)) return false;
    } else if (!request.path.startsWith(rule.path)) {
      return false;
    }
  }
  return true;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function injected(status: number, retryAfterSeconds?: number): InjectedFailure {
  switch (status) {
    case 429: {
      const seconds = retryAfterSeconds ?? 1;
      return {
        error: KubeStatusError.of(429, 'TooManyRequests', 'Too many requests, please try again later.', {
          retryAfterSeconds: seconds,
        }),
        headers: { 'Retry-After': String(seconds) },
      };
    }
    case 500:
      return {
        error: KubeStatusError.of(500, 'InternalError', 'Internal error occurred: injected fault', {
          causes: [{ message: 'injected fault' }],
        }),
        headers: {},
      };
    case 503:
      return {
        error: KubeStatusError.of(
          503,
          'ServiceUnavailable',
          'the server is currently unable to handle the request',
          retryAfterSeconds ? { retryAfterSeconds } : undefined,
        ),
        headers: retryAfterSeconds ? { 'Retry-After': String(retryAfterSeconds) } : {},
      };
    case 504:
      return {
        error: KubeStatusError.of(
          504,
          'Timeout',
          'Timeout: request did not complete within requested timeout - context deadline exceeded',
        ),
        headers: {},
      };
    default:
      return {
        error: KubeStatusError.of(
          status,
          'Unknown',
          `the server responded with the status code ${status} (injected fault)`,
        ),
        headers: {},
      };
  }
}
