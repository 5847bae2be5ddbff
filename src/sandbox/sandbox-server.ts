import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { ResourceHandler, WatchRegistry } from './api/resource-handler.js';
import { Authenticator, VIEWER_USER } from './auth/authenticator.js';
import { MAX_CHURN_PER_SECOND, PodChurn, type ChurnOptions } from './churn/pod-churn.js';
import { systemClock, type Clock } from './clock.js';
import { EventRecorder } from './cluster/event-recorder.js';
import { SimulatedCluster } from './cluster/simulated-cluster.js';
import { ContainerLogStore } from './containers/container-log-store.js';
import { EXEC_SUBPROTOCOLS, ExecSessions } from './containers/exec-session.js';
import { SandboxEndpoints, type SandboxStats } from './faults/sandbox-endpoints.js';
import { SandboxFaults } from './faults/sandbox-faults.js';
import { ApiServerHandler } from './http/api-server-handler.js';
import { buildKubeconfig } from './kubeconfig.js';
import { DEFAULT_TIMINGS, type LifecycleTimings } from './kubelet/lifecycle-timings.js';
import { PodScheduler } from './kubelet/pod-scheduler.js';
import { SimulatedKubelet } from './kubelet/simulated-kubelet.js';
import { TimerQueue } from './kubelet/timer-queue.js';
import { seedCluster } from './seed/seed-cluster.js';
import type { KubeObject } from './store/object-store.js';
import { PodExecHandler } from './streams/pod-exec-handler.js';
import { PodLogHandler } from './streams/pod-log-handler.js';
import { generateSandboxTls } from './tls.js';

export type { KubeObject } from './store/object-store.js';
export type { LifecycleTimings } from './kubelet/lifecycle-timings.js';
export type { ChurnCounts, ChurnOptions } from './churn/pod-churn.js';
export { FAST_TIMINGS, DEFAULT_TIMINGS } from './kubelet/lifecycle-timings.js';

export interface SandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** HTTPS with a self-signed CA (written into the kubeconfig). */
  tls?: boolean;
  /** The full-access bearer token (random when absent). */
  token?: string;
  /** A read-only bearer token (random when absent). */
  readOnlyToken?: string;
  /** Users that are read-only, also when impersonated by a full-access caller (`sandbox-viewer` always is). */
  readOnlyUsers?: string[];
  /** Groups whose impersonated members are read-only. */
  readOnlyGroups?: string[];
  /** Generated pods in realistic mixed states (the scale mode), spread over generated namespaces and nodes. */
  pods?: number;
  /**
   * With `pods`: status changes, added and deleted pods at a steady rate, from a seeded sequence (see PodChurn);
   * `GET /sandbox/stats` counts them.
   */
  churn?: ChurnOptions;
  /**
   * `demo` (default): a small live cluster in varied states; `empty`: system namespaces and Ready nodes only;
   * or objects (Namespaces, Nodes, Pods, Events) loaded as they are, on top of `empty`.
   */
  seed?: 'demo' | 'empty' | KubeObject[];
  timings?: Partial<LifecycleTimings>;
  /** How many generated (or seeded) pods with a status are run live by the kubelet; the rest stay as written. Default 50. */
  liveLimit?: number;
  /** Changes kept per resource for watches that resume from a resourceVersion. Default 10 000. */
  watchHistory?: number;
  /** Pods without a log script that log periodically, at most. Default 200. */
  maxPeriodicLoggers?: number;
  /** Log lines kept per container instance (older ones are dropped, as log rotation would). Default 1000. */
  logLinesPerInstance?: number;
  /**
   * The exec subprotocols the API server speaks, preferred first. Default both (`v5.channel.k8s.io`,
   * `v4.channel.k8s.io`, as 1.30 and later); `['v4.channel.k8s.io']` simulates an older API server.
   */
  execProtocols?: string[];
  /**
   * The streaming list (KEP-3157: a watch with `sendInitialEvents`), as the WatchList feature gate of 1.32 and later
   * turns on. Default true; `false` answers as a server with the gate off: 422 for `sendInitialEvents`.
   */
  watchList?: boolean;
  clock?: Clock;
}

/** Direct access to the simulated cluster for tests: writes go through the registry and reach watchers. */
export type SandboxCluster = SimulatedCluster;

/**
 * The Kubernetes API simulator: an HTTP(S) server that kubectl, client-node and the service talk to as to a real
 * API server (see docs/sandbox.md). Start as many as needed; `stop()` releases every socket and timer.
 */
export class SandboxServer {
  readonly faults: SandboxFaults;

  private stopping?: Promise<void>;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly token: string,
    readonly readOnlyToken: string,
    readonly caPem: string | undefined,
    readonly cluster: SimulatedCluster,
    /** The container logs the simulated kubelet writes; tests may append lines to an instance. */
    readonly logs: ContainerLogStore,
    private readonly parts: {
      faults: SandboxFaults;
      watches: WatchRegistry;
      exec: ExecSessions;
      execHandler: PodExecHandler;
      kubelet: SimulatedKubelet;
      scheduler: PodScheduler;
      timers: TimerQueue;
      churn?: PodChurn;
      sockets: Set<Socket>;
      stats: () => SandboxStats;
    },
  ) {
    this.faults = parts.faults;
  }

  static async start(options: SandboxOptions = {}): Promise<SandboxServer> {
    // Checked before anything is started that would need stopping.
    const protocols = execProtocols(options.execProtocols);
    checkChurn(options);
    const host = options.host ?? '127.0.0.1';
    const clock = options.clock ?? systemClock;
    const timings: LifecycleTimings = { ...DEFAULT_TIMINGS, ...options.timings };
    const token = options.token ?? randomToken();
    const readOnlyToken = options.readOnlyToken ?? randomToken();
    const cluster = new SimulatedCluster({ clock, watchHistory: options.watchHistory ?? 10_000 });
    const events = new EventRecorder(cluster, { ttlMs: 3_600_000, maxEvents: 20_000 });
    const logs = new ContainerLogStore({ now: () => clock.now(), maxLinesPerInstance: options.logLinesPerInstance });
    const exec = new ExecSessions();
    const timers = new TimerQueue(() => clock.now().getTime());
    const watches = new WatchRegistry();
    const kubelet = new SimulatedKubelet({
      cluster,
      events,
      logs,
      timers,
      timings,
      maxPeriodicLoggers: options.maxPeriodicLoggers ?? 200,
      onPodGone: (uid) => exec.closePod(uid),
      onContainerStopped: (uid, container) => exec.closeContainer(uid, container),
    });
    const scheduler = new PodScheduler(cluster, events, timers, timings.scheduleMs);
    const faults = new SandboxFaults({
      dropWatches: () => watches.closeAll('destroy'),
      setLogsStalled: (stalled) => {
        logs.stalled = stalled;
      },
    });

    const live = seedCluster(cluster, options, clock.now());
    events.adoptStored();
    kubelet.start();
    kubelet.adopt(live.pods, live.limit);
    scheduler.start();
    const churn = live.churn && options.churn ? new PodChurn(cluster, timers, live.churn, options.churn) : undefined;
    churn?.start();

    const logHandler = new PodLogHandler(cluster, kubelet, logs);
    const execHandler = new PodExecHandler(cluster, exec, protocols);
    const resources = new ResourceHandler(
      cluster,
      watches,
      clock,
      { bookmarkIntervalMs: timings.bookmarkMs, maxBufferedBytes: 64 * 1024 * 1024 },
      {
        log: (request) => logHandler.handle(request),
        execWithoutUpgrade: (request) => execHandler.withoutUpgrade(request),
      },
      { watchList: options.watchList ?? true },
    );
    let address = `${host}:0`;
    const stats = (): SandboxStats => ({
      watches: watches.size,
      logStreams: logs.openStreams,
      execSessions: exec.open,
      ...(churn ? { churn: churn.counts } : {}),
    });
    const handler = new ApiServerHandler({
      authenticator: new Authenticator({
        token,
        readOnlyToken,
        readOnlyUsers: [VIEWER_USER, ...(options.readOnlyUsers ?? [])],
        readOnlyGroups: options.readOnlyGroups ?? [],
      }),
      faults,
      resources,
      exec: execHandler,
      endpoints: new SandboxEndpoints(faults, stats, {
        perInstance: logs.linesPerInstance,
        write: (namespace, pod, container, count) => kubelet.writePeriodicLines(namespace, pod, container, count),
      }),
      serverAddress: () => address,
    });

    const tls = options.tls ? await generateSandboxTls(host) : undefined;
    const onRequest = handler.handleRequest.bind(handler);
    const server: Server = tls
      ? createHttpsServer({ key: tls.keyPem, cert: tls.certPem }, onRequest)
      : createHttpServer(onRequest);
    server.on('upgrade', handler.handleUpgrade.bind(handler));
    const sockets = new Set<Socket>();
    server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const url = `${tls ? 'https' : 'http'}://${address}`;
    return new SandboxServer(server, url, token, readOnlyToken, tls?.caPem, cluster, logs, {
      faults,
      watches,
      exec,
      execHandler,
      kubelet,
      scheduler,
      timers,
      churn,
      sockets,
      stats,
    });
  }

  /** A kubeconfig (YAML) for this server: its URL, a token (the full-access one by default) and the CA with TLS. */
  kubeconfig(options: { contextName?: string; token?: string; namespace?: string } = {}): string {
    return buildKubeconfig({
      server: this.url,
      token: options.token ?? this.token,
      caPem: this.caPem,
      contextName: options.contextName,
      namespace: options.namespace,
    });
  }

  async writeKubeconfig(
    path: string,
    options: { contextName?: string; token?: string; namespace?: string } = {},
  ): Promise<void> {
    await writeFile(path, this.kubeconfig(options), { mode: 0o600 });
  }

  /** Open watches, log streams and exec sessions, and the churn's changes (what `GET /sandbox/stats` answers). */
  stats(): SandboxStats {
    return this.parts.stats();
  }

  /** Closes every watch, stream, session, socket and timer. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const { faults, watches, exec, execHandler, kubelet, scheduler, timers, churn, sockets } = this.parts;
    faults.stop();
    churn?.stop();
    scheduler.stop();
    kubelet.stop();
    timers.stop();
    watches.closeAll('end');
    exec.closeAll();
    execHandler.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    for (const socket of sockets) socket.destroy();
    await closed;
  }
}

function execProtocols(wanted: string[] | undefined): readonly string[] {
  if (wanted === undefined) return EXEC_SUBPROTOCOLS;
  const unknown = wanted.filter((protocol) => !EXEC_SUBPROTOCOLS.includes(protocol));
  if (wanted.length === 0 || unknown.length > 0) {
    throw new Error(`execProtocols: one or more of ${EXEC_SUBPROTOCOLS.join(', ')}, not [${wanted.join(', ')}]`);
  }
  return wanted;
}

function checkChurn(options: SandboxOptions): void {
  const churn = options.churn;
  if (!churn) return;
  if (!(churn.perSecond >= 0 && churn.perSecond <= MAX_CHURN_PER_SECOND))
    throw new Error(`churn.perSecond: a number from 0 to ${MAX_CHURN_PER_SECOND}, not ${churn.perSecond}`);
  if (churn.seed !== undefined && !(Number.isInteger(churn.seed) && churn.seed >= 0 && churn.seed <= 0xffffffff))
    throw new Error(`churn.seed: an integer from 0 to ${0xffffffff}, not ${churn.seed}`);
  if (!options.pods) throw new Error('churn needs pods (the scale mode): it changes the generated pods');
}

function randomToken(): string {
  return randomBytes(24).toString('base64url');
}
