import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { ApiError } from '../src/common/errors/api-error.js';
import type { KubePod } from '../src/common/kube/kube-objects.js';
import { ClientNodeKubeApiFactory } from '../src/clusters/kube/client-node-kube-api.js';
import type { KubeApiSettings } from '../src/clusters/kube/kube-api.factory.js';
import type { ExecChannel, ExecExit, KubeApi } from '../src/clusters/kube/kube-api.js';
import { buildKubeconfig } from '../src/sandbox/kubeconfig.js';
import { FAST_TIMINGS, SandboxServer } from '../src/sandbox/sandbox-server.js';
import { eventually } from './helpers/eventually.js';
import { memoryHeld } from './helpers/memory.js';
import { newPod } from './sandbox/sandbox-api-client.js';

jest.setTimeout(30_000);

const V5 = 'v5.channel.k8s.io';
const V4 = 'v4.channel.k8s.io';

const SETTINGS: KubeApiSettings = {
  clusterId: 'sandbox',
  requestTimeoutMs: 10_000,
  connectTimeoutMs: 5_000,
  maxResponseBytes: 64 * 1024 * 1024,
  maxWatchLineBytes: 16 * 1024 * 1024,
};

/** The adapter as the service builds it, from the simulator's kubeconfig (its CA, a bearer token). */
function kubeApiFor(sandbox: SandboxServer, token = sandbox.token): KubeApi {
  return new ClientNodeKubeApiFactory().create(
    { kind: 'kubeconfig', kubeConfig: sandbox.kubeconfig({ token }), allowInsecureHttp: false },
    SETTINGS,
  );
}

/** Everything the process wrote, as text, read as it arrives (the stream flows). */
class Terminal {
  text = '';
  private readonly decoder = new TextDecoder();

  constructor(readonly channel: ExecChannel) {
    channel.output.on('data', (chunk: Buffer) => (this.text += this.decoder.decode(chunk, { stream: true })));
  }

  type(text: string | Buffer): void {
    this.channel.write(typeof text === 'string' ? Buffer.from(text) : text);
  }

  async until(pattern: string | RegExp, timeoutMs = 5000): Promise<void> {
    await eventually(() => expect(this.text).toMatch(pattern), { timeoutMs });
  }
}

const SHELL_PROMPT = '/ # ';

async function startPod(sandbox: SandboxServer, pod: KubePod, until: (pod: KubePod) => boolean): Promise<void> {
  sandbox.cluster.create('pods', pod);
  await eventually(() => {
    const current = sandbox.cluster.pod(pod.metadata.namespace ?? 'default', pod.metadata.name ?? '');
    expect(current && until(current)).toBe(true);
  });
}

const running = (pod: KubePod) => pod.status?.containerStatuses?.[0]?.state?.running !== undefined;
const terminated = (pod: KubePod) => pod.status?.containerStatuses?.[0]?.state?.terminated !== undefined;
const failed = (status: number, reason: string, message: string): ExecExit => ({
  kind: 'failed',
  error: expect.objectContaining({ status, reason, message }) as ApiError,
});

describe('ClientNodeKubeApi.openExec against the simulator over TLS (e2e)', () => {
  let sandbox: SandboxServer;
  let api: KubeApi;
  const open: ExecChannel[] = [];

  const exec = async (pod: string, command: string[], container = 'app'): Promise<ExecChannel> => {
    const channel = await api.openExec('default', pod, { container, command }, new AbortController().signal);
    open.push(channel);
    return channel;
  };

  beforeAll(async () => {
    sandbox = await SandboxServer.start({ seed: 'empty', tls: true, timings: FAST_TIMINGS });
    api = kubeApiFor(sandbox);
    await startPod(sandbox, newPod('shell'), running);
    await startPod(
      sandbox,
      newPod('done', {
        annotations: { 'sandbox.podapi.dev/exit-after-ms': '0' },
        spec: { restartPolicy: 'Never' },
      }),
      terminated,
    );
  });
  afterEach(() => {
    for (const channel of open.splice(0)) channel.close();
  });
  afterAll(async () => {
    api?.close();
    await sandbox?.stop();
  });

  describe('a terminal', () => {
    it('opens a shell over v5 with its prompt, echoes UTF-8 typed in pieces, and reports `exit 3` as 3', async () => {
      const terminal = new Terminal(await exec('shell', ['sh']));
      expect(terminal.channel.protocol).toBe(V5);
      await terminal.until(SHELL_PROMPT);
      const line = Buffer.from('echo héllo €\r');
      const euro = line.indexOf(Buffer.from('€'));
      terminal.type(line.subarray(0, euro + 1)); // the first byte of € …
      terminal.type(line.subarray(euro + 1)); // … and the other two in the next frame
      await terminal.until('\r\nhéllo €\r\n');
      terminal.type('exit 3\r');
      await expect(terminal.channel.exited).resolves.toEqual({ kind: 'exited', code: 3 });
      expect(terminal.channel.output.readableEnded).toBe(true);
    });

    it('runs the argv as given, with no shell in between', async () => {
      const terminal = new Terminal(await exec('shell', ['echo', '$HOME', 'a  b']));
      await expect(terminal.channel.exited).resolves.toEqual({ kind: 'exited', code: 0 });
      expect(terminal.text).toBe('$HOME a  b\r\n');
    });

    it('reports the exit code a shell gives an unknown command (127)', async () => {
      const terminal = new Terminal(await exec('shell', ['sh', '-c', 'nosuch']));
      await expect(terminal.channel.exited).resolves.toEqual({ kind: 'exited', code: 127 });
      expect(terminal.text).toContain('nosuch: not found');
    });

    it('fails a program the runtime cannot start with the runtime’s reason (a runtime gives no exit code)', async () => {
      const channel = await exec('shell', ['nosuch']);
      channel.output.resume();
      await expect(channel.exited).resolves.toEqual(
        failed(
          400,
          'BadRequest',
          'the command could not be started in container "app": exec: "nosuch": executable file not found in $PATH',
        ),
      );
    });

    it('reports a process ended by ^C (SIGINT) as 130', async () => {
      const terminal = new Terminal(await exec('shell', ['sh']));
      await terminal.until(SHELL_PROMPT);
      terminal.type('sleep 60\r');
      await terminal.until('sleep 60\r\n');
      terminal.type('\x03');
      await terminal.until(`^C\r\n${SHELL_PROMPT}`);
      terminal.type('exit\r'); // `exit` alone exits with the last command's status
      await expect(terminal.channel.exited).resolves.toEqual({ kind: 'exited', code: 130 });
    });

    it('reports a process killed with its pod (SIGKILL) as 137', async () => {
      await startPod(sandbox, newPod('victim'), running);
      const channel = await exec('victim', ['sleep', '60']);
      channel.output.resume();
      await eventually(() => expect(sandbox.stats().execSessions).toBe(1));
      await api.deletePod('default', 'victim', { gracePeriodSeconds: 0 });
      await expect(channel.exited).resolves.toEqual({ kind: 'exited', code: 137 });
    });

    it('resizes the terminal: `size` prints the last size sent', async () => {
      const terminal = new Terminal(await exec('shell', ['sh']));
      await terminal.until(SHELL_PROMPT);
      terminal.channel.resize(100, 30);
      terminal.channel.resize(120, 40);
      terminal.type('size\r');
      await terminal.until('size\r\n40 120\r\n');
    });

    it('ends the shell when its input ends (^D at an empty prompt), and drops input written after the end', async () => {
      const terminal = new Terminal(await exec('shell', ['sh']));
      await terminal.until(SHELL_PROMPT);
      terminal.type('\x04');
      await expect(terminal.channel.exited).resolves.toEqual({ kind: 'exited', code: 0 });
      expect(terminal.channel.write(Buffer.from('late\r'))).toBe(true);
      await expect(terminal.channel.drained()).resolves.toBeUndefined();
      terminal.channel.resize(80, 24);
    });
  });

  describe('ending a session from the service’s side', () => {
    it('close() releases the simulator’s session, ends the output and settles `exited`', async () => {
      const terminal = new Terminal(await exec('shell', ['sh']));
      await terminal.until(SHELL_PROMPT);
      expect(sandbox.stats().execSessions).toBe(1);
      terminal.channel.close();
      terminal.channel.close(); // harmless twice
      await expect(terminal.channel.exited).resolves.toEqual(
        failed(502, 'ClusterUnreachable', 'the terminal was closed before its process ended'),
      );
      expect(terminal.channel.output.readableEnded).toBe(true);
      await eventually(() => expect(sandbox.stats().execSessions).toBe(0));
    });

    it('a reader that destroys the output ends the session', async () => {
      const channel = await exec('shell', ['sh']);
      await eventually(() => expect(sandbox.stats().execSessions).toBe(1));
      channel.output.destroy();
      await eventually(() => expect(sandbox.stats().execSessions).toBe(0));
    });

    it('closing the KubeApi closes its open terminals', async () => {
      const own = kubeApiFor(sandbox);
      const channel = await own.openExec(
        'default',
        'shell',
        { container: 'app', command: ['sh'] },
        AbortSignal.any([]),
      );
      channel.output.resume();
      await eventually(() => expect(sandbox.stats().execSessions).toBe(1));
      own.close();
      await expect(channel.exited).resolves.toMatchObject({ kind: 'failed' });
      await eventually(() => expect(sandbox.stats().execSessions).toBe(0));
    });
  });

  describe('refusals', () => {
    it('a missing pod: 404 naming it', async () => {
      await expect(exec('ghost', ['sh'])).rejects.toMatchObject({
        status: 404,
        reason: 'NotFound',
        message: 'pod "ghost" not found in namespace "default"',
      });
    });

    it('a container the pod does not have: 404 naming it', async () => {
      await expect(exec('shell', ['sh'], 'nope')).rejects.toMatchObject({
        status: 404,
        reason: 'NotFound',
        message: 'container "nope" not found in pod "shell"',
      });
    });

    it('a container that is not running: the runtime’s refusal after the upgrade, as 409', async () => {
      const channel = await exec('done', ['sh']);
      channel.output.resume();
      await expect(channel.exited).resolves.toEqual(
        failed(409, 'Conflict', 'container "app" of pod "done" in namespace "default" is not running'),
      );
    });

    it('a token that may not exec: 403 with the cluster’s RBAC text', async () => {
      const viewer = kubeApiFor(sandbox, sandbox.readOnlyToken);
      try {
        await expect(
          viewer.openExec('default', 'shell', { container: 'app', command: ['sh'] }, AbortSignal.any([])),
        ).rejects.toMatchObject({
          status: 403,
          reason: 'Forbidden',
          message: expect.stringMatching(/^pods "shell" is forbidden: User "sandbox-viewer" cannot create/),
        });
      } finally {
        viewer.close();
      }
    });

    it('credentials the cluster rejects: 502, the token named nowhere', async () => {
      const stranger = kubeApiFor(sandbox, 'not-a-token-of-this-cluster');
      try {
        const error = await stranger
          .openExec('default', 'shell', { container: 'app', command: ['sh'] }, AbortSignal.any([]))
          .catch((caught: Error) => caught);
        expect(error).toMatchObject({
          status: 502,
          reason: 'ClusterUnreachable',
          message: 'cluster "sandbox" rejected the stored credentials',
        });
      } finally {
        stranger.close();
      }
    });

    it('an opening aborted by its signal rejects and leaves nothing open', async () => {
      const controller = new AbortController();
      const opening = api.openExec('default', 'shell', { container: 'app', command: ['sh'] }, controller.signal);
      controller.abort();
      await expect(opening).rejects.toMatchObject({ status: 502, reason: 'ClusterUnreachable' });
      await eventually(() => expect(sandbox.stats().execSessions).toBe(0));
    });
  });

  describe('flow control', () => {
    it('pauses the upstream while the output is not read, and goes on when it is', async () => {
      const channel = await exec('shell', ['yes']);
      const before = memoryHeld();
      // Nothing reads the output: it fills up to its high-water mark, then the socket is paused.
      await eventually(() => expect(channel.output.readableLength).toBeGreaterThanOrEqual(64 * 1024));
      // A barrier: many round trips through the same simulator, each a chance for `yes` to send more.
      const probe = new Terminal(await exec('shell', ['sh']));
      await probe.until(SHELL_PROMPT);
      for (let round = 0; round < 20; round++) {
        probe.type(`echo round-${round}\r`);
        await probe.until(`\r\nround-${round}\r\n`);
      }
      // What one socket read may add past the mark, and no more: unpaused, `yes` sends megabytes meanwhile.
      expect(channel.output.readableLength).toBeLessThan(256 * 1024);
      expect(memoryHeld() - before).toBeLessThan(8 * 1024 * 1024);

      let read = 0;
      for await (const chunk of channel.output as AsyncIterable<Buffer>) {
        expect(chunk.toString('latin1')).toMatch(/^[y\r\n]+$/);
        read += chunk.length;
        if (read > 4 * 1024 * 1024) break; // leaving the loop destroys the output, which closes the channel
      }
      expect(read).toBeGreaterThan(4 * 1024 * 1024);
      await eventually(() => expect(sandbox.stats().execSessions).toBe(1)); // the probe's shell only
    });

    it('close() releases the simulator’s session within a second also while the output is paused', async () => {
      const channel = await exec('shell', ['yes']);
      await eventually(() => expect(channel.output.readableLength).toBeGreaterThanOrEqual(64 * 1024));
      channel.close();
      await eventually(() => expect(sandbox.stats().execSessions).toBe(0), { timeoutMs: 1000 });
      await expect(channel.exited).resolves.toMatchObject({ kind: 'failed' });
    });

    it('answers false to write() above the high-water mark of unsent input, and drained() once it is sent', async () => {
      const terminal = new Terminal(await exec('shell', ['cat']));
      const chunk = Buffer.from('y\n'.repeat(8 * 1024));
      let written = 0;
      while (terminal.channel.write(chunk)) {
        written += chunk.length;
        expect(written).toBeLessThan(64 * 1024 * 1024);
      }
      await terminal.channel.drained();
      expect(terminal.channel.write(Buffer.from('\x04'))).toBe(true);
      await expect(terminal.channel.exited).resolves.toEqual({ kind: 'exited', code: 0 });
    });
  });
});

describe('ClientNodeKubeApi.openExec against an API server before 1.30 (v4.channel.k8s.io only)', () => {
  let sandbox: SandboxServer;
  let api: KubeApi;

  beforeAll(async () => {
    sandbox = await SandboxServer.start({ seed: 'empty', tls: true, timings: FAST_TIMINGS, execProtocols: [V4] });
    api = kubeApiFor(sandbox);
    await startPod(sandbox, newPod('shell'), running);
    await startPod(
      sandbox,
      newPod('done', { annotations: { 'sandbox.podapi.dev/exit-after-ms': '0' }, spec: { restartPolicy: 'Never' } }),
      terminated,
    );
  });
  afterAll(async () => {
    api?.close();
    await sandbox?.stop();
  });

  it('falls back to v4: prompt, resize, output and the exit code', async () => {
    const terminal = new Terminal(
      await api.openExec('default', 'shell', { container: 'app', command: ['sh'] }, AbortSignal.any([])),
    );
    expect(terminal.channel.protocol).toBe(V4);
    await terminal.until(SHELL_PROMPT);
    terminal.channel.resize(132, 43);
    terminal.type('size; exit 7\r');
    await terminal.until('43 132\r\n');
    await expect(terminal.channel.exited).resolves.toEqual({ kind: 'exited', code: 7 });
  });

  it('refuses a container that is not running before the upgrade (the kubelet’s text), as 409', async () => {
    await expect(
      api.openExec('default', 'done', { container: 'app', command: ['sh'] }, AbortSignal.any([])),
    ).rejects.toMatchObject({
      status: 409,
      reason: 'Conflict',
      message: 'container "app" of pod "done" in namespace "default" is not running',
    });
  });
});

/**
 * An API server that misbehaves around the exec upgrade, on loopback over plain HTTP; the pod's name says how:
 * `silent` never answers, `html` answers 500 with a page, `unnamed` upgrades without a subprotocol, `mute` upgrades
 * and closes normally without a status, `dropped` upgrades and cuts the connection, `huge` sends a 2 MiB message.
 */
class MisbehavingExecServer {
  readonly sockets = new Set<Duplex>();
  private readonly wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => pick(offered) });

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<MisbehavingExecServer> {
    const server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const misbehaving = new MisbehavingExecServer(server, `http://127.0.0.1:${port}`);
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      misbehaving.upgrade(req, socket, head),
    );
    return misbehaving;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.wss.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    const pod = /\/pods\/([^/]+)\/exec/.exec(req.url ?? '')?.[1];
    if (pod === 'silent') {
      // Reads on, so that the client hanging up is seen (an upgraded socket is not read otherwise).
      socket.once('end', () => socket.destroy()).resume();
      return;
    }
    if (pod === 'html') {
      const page = '<html><body>upstream error, token=s3cr3t-token</body></html>';
      socket.end(
        `HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/html\r\nContent-Length: ${page.length}\r\n\r\n${page}`,
      );
      return;
    }
    if (pod === 'unnamed') {
      new WebSocketServer({ noServer: true, handleProtocols: () => false }).handleUpgrade(
        req,
        socket,
        head,
        () => undefined,
      );
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (pod === 'mute') ws.close(1000);
      if (pod === 'dropped') ws.terminate();
      if (pod === 'huge') ws.send(Buffer.concat([Buffer.of(1), Buffer.alloc(2 * 1024 * 1024, 'x')]));
    });
  }
}

function pick(offered: Set<string>): string | false {
  return offered.has(V5) ? V5 : false;
}

describe('ClientNodeKubeApi.openExec against a misbehaving API server', () => {
  let server: MisbehavingExecServer;
  let api: KubeApi;
  const token = 'misbehaving-token';

  beforeAll(async () => {
    server = await MisbehavingExecServer.start();
    api = new ClientNodeKubeApiFactory().create(
      { kind: 'kubeconfig', kubeConfig: buildKubeconfig({ server: server.url, token }), allowInsecureHttp: true },
      { ...SETTINGS, clusterId: 'odd', requestTimeoutMs: 300 },
    );
  });
  afterAll(async () => {
    api?.close();
    await server?.stop();
  });

  const openExec = (pod: string, signal = AbortSignal.any([])) =>
    api.openExec('default', pod, { container: 'app', command: ['sh'] }, signal);

  it('gives up on an upgrade that gets no answer within the request timeout (504) and drops its connection', async () => {
    await expect(openExec('silent')).rejects.toMatchObject({
      status: 504,
      reason: 'UpstreamTimeout',
      message: 'cluster "odd" did not answer in time',
    });
    await eventually(() => expect(server.sockets.size).toBe(0));
  });

  it('abandons an upgrade whose signal aborts while it waits, and drops its connection', async () => {
    const controller = new AbortController();
    const opening = openExec('silent', controller.signal);
    await eventually(() => expect(server.sockets.size).toBe(1));
    controller.abort();
    await expect(opening).rejects.toMatchObject({ status: 502, reason: 'ClusterUnreachable' });
    await eventually(() => expect(server.sockets.size).toBe(0));
  });

  it('answers a refusal that is no Status with the code alone: the body and the token stay out', async () => {
    const error = await openExec('html').catch((caught: Error) => caught);
    expect(error).toMatchObject({ status: 502, reason: 'ClusterUnreachable', message: 'cluster "odd" answered 500' });
    expect(JSON.stringify({ ...error, message: (error as Error).message })).not.toMatch(
      /s3cr3t|misbehaving-token|<html/,
    );
  });

  it('refuses an upgrade without a subprotocol', async () => {
    await expect(openExec('unnamed')).rejects.toMatchObject({
      status: 502,
      reason: 'ClusterUnreachable',
      message:
        'cluster "odd" answered the terminal request without a subprotocol the service speaks (v5.channel.k8s.io, v4.channel.k8s.io)',
    });
  });

  it.each([
    { pod: 'mute', message: 'cluster "odd" ended the terminal without an exit status' },
    { pod: 'dropped', message: 'the connection to cluster "odd" broke' },
    { pod: 'huge', message: 'the connection to cluster "odd" broke' },
  ])('fails a session that ends without a status ($pod)', async ({ pod, message }) => {
    const channel = await openExec(pod);
    channel.output.resume();
    await expect(channel.exited).resolves.toEqual(failed(502, 'ClusterUnreachable', message));
  });

  it('gives up on a connection whose TLS handshake does not complete within the connect timeout', async () => {
    const mute = createNetServer((socket) => socket.resume()); // accepts, then never speaks TLS
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    const { port } = mute.address() as AddressInfo;
    const stuck = new ClientNodeKubeApiFactory().create(
      { kind: 'token', apiServer: `https://127.0.0.1:${port}`, token, insecureSkipTlsVerify: true },
      { ...SETTINGS, clusterId: 'stuck', connectTimeoutMs: 200, requestTimeoutMs: 10_000 },
    );
    try {
      await expect(
        stuck.openExec('default', 'web', { container: 'app', command: ['sh'] }, AbortSignal.any([])),
      ).rejects.toMatchObject({
        status: 502,
        reason: 'ClusterUnreachable',
        message: 'cluster "stuck" could not be reached: connection timed out',
      });
    } finally {
      stuck.close();
      mute.close();
    }
  });

  it('says a refused connection is one', async () => {
    const closed = await MisbehavingExecServer.start();
    const url = closed.url;
    await closed.stop();
    const nowhere = new ClientNodeKubeApiFactory().create(
      { kind: 'kubeconfig', kubeConfig: buildKubeconfig({ server: url, token }), allowInsecureHttp: true },
      { ...SETTINGS, clusterId: 'gone' },
    );
    await expect(
      nowhere.openExec('default', 'web', { container: 'app', command: ['sh'] }, AbortSignal.any([])),
    ).rejects.toMatchObject({
      status: 502,
      reason: 'ClusterUnreachable',
      message: 'cluster "gone" could not be reached: connection refused',
      origin: 'transport',
    });
    nowhere.close();
  });
});
