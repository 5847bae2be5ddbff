import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { WebSocket } from 'ws';
import { aPod, containerState as is } from '../../test/helpers/pod-builder.js';
import { eventually } from '../../test/helpers/eventually.js';
import { FakeExecChannel, RecordingAudit } from '../../test/fakes/exec-fakes.js';
import { FakeKubeApi } from '../../test/fakes/fake-kube-api.js';
import { ANONYMOUS } from '../auth/identity.js';
import { ClusterConnection } from '../clusters/cluster-connection.js';
import type { ClusterEntry } from '../clusters/cluster-entry.js';
import type { ExecChannel, ExecOptions, KubeApi } from '../clusters/kube/kube-api.js';
import { ApiError } from '../common/errors/api-error.js';
import type { ExecConfig } from '../config/exec.config.js';
import { TerminalSession, type TerminalRequest } from './terminal.session.js';
import { TerminalSessions } from './terminal-sessions.js';

const CLUSTER = 'c1';
const POD_PATH = { clusterId: CLUSTER, namespace: 'shop', name: 'web-0' };
const CONFIG: ExecConfig = { idleTimeoutMs: 60_000, maxSessionMs: 600_000, maxSessions: 10 };
const HIGH_WATER = 64 * 1024;

interface Sent {
  type: string;
  [field: string]: unknown;
}

/** The server side of a WebSocket as the session uses it; the test plays the client. */
class FakeSocket extends EventEmitter {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  readonly sent: Sent[] = [];
  closed?: { code: number; reason: string };
  /** While true, ws's "written" callbacks wait for `flushWrites()`: a client that is not reading. */
  holdWrites = false;
  private readonly heldWrites: (() => void)[] = [];

  send(data: string, written?: (error?: Error) => void): void {
    this.sent.push(JSON.parse(data) as Sent);
    if (!written) return;
    if (this.holdWrites) this.heldWrites.push(written);
    else queueMicrotask(() => written());
  }

  close(code: number, reason = ''): void {
    if (this.readyState !== WebSocket.OPEN) return;
    this.readyState = WebSocket.CLOSING;
    this.closed = { code, reason };
    queueMicrotask(() => {
      this.readyState = WebSocket.CLOSED;
      this.emit('close', code, Buffer.from(reason));
    });
  }

  /** A message from the client. */
  receive(message: object | string): void {
    this.emit('message', Buffer.from(typeof message === 'string' ? message : JSON.stringify(message)), false);
  }

  /** The client goes away (a close frame, or the heartbeat dropping it). */
  leave(): void {
    this.readyState = WebSocket.CLOSED;
    this.emit('close', 1005, Buffer.alloc(0));
  }

  flushWrites(): void {
    this.holdWrites = false;
    for (const written of this.heldWrites.splice(0)) written();
  }

  of(type: string): Sent[] {
    return this.sent.filter((message) => message.type === type);
  }

  get output(): string {
    return this.of('output')
      .map((message) => message.data as string)
      .join('');
  }
}

interface OpenedExec {
  namespace: string;
  name: string;
  options: ExecOptions;
  signal: AbortSignal;
}

/** One cluster `c1` over a FakeKubeApi whose `openExec` hands out the channels the test gives it. */
class World {
  readonly kube = new FakeKubeApi().withPods(
    aPod('web-0').inNamespace('shop').withContainers('app', 'proxy').running().build(),
    aPod('done').inNamespace('shop').completed().build(),
  );
  readonly connection = new ClusterConnection(anEntry(CLUSTER), this.kube, {
    healthTtlMs: 60_000,
    unreachableHoldMs: 1000,
    watchIdleTimeoutMs: 60_000,
  });
  readonly audit = new RecordingAudit();
  readonly sessions: TerminalSessions;
  readonly execs: OpenedExec[] = [];
  /** What the next `openExec` answers; a new channel by default. */
  nextExec: () => Promise<ExecChannel> = () => Promise.resolve(new FakeExecChannel());
  readonly channels: FakeExecChannel[] = [];

  constructor(readonly config: ExecConfig = CONFIG) {
    worlds.push(this);
    this.sessions = new TerminalSessions(config.maxSessions);
    (this.kube as KubeApi).openExec = async (namespace, name, options, signal) => {
      this.execs.push({ namespace, name, options, signal });
      const channel = await this.nextExec();
      if (channel instanceof FakeExecChannel) this.channels.push(channel);
      return channel;
    };
  }

  /** A session on a new socket, started as the gateway starts it. */
  open(query: { container?: string; command?: string } = {}, params: Record<string, string> = POD_PATH): FakeSocket {
    const socket = new FakeSocket();
    const given = Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined);
    const request: TerminalRequest = {
      params,
      query: Object.fromEntries(given),
      requestId: 'req-1',
      caller: ANONYMOUS,
    };
    new TerminalSession(socket as unknown as WebSocket, request, {
      connections: {
        get: (clusterId) =>
          clusterId === CLUSTER
            ? Promise.resolve(this.connection)
            : Promise.reject(ApiError.clusterNotFound(clusterId)),
      },
      sessions: this.sessions,
      audit: this.audit,
      config: this.config,
    }).start();
    return socket;
  }

  /** The channel of the `index`th process started, once it has started. */
  async channel(index = 0): Promise<FakeExecChannel> {
    return eventually(() => {
      expect(this.channels.length).toBeGreaterThan(index);
      return this.channels[index];
    });
  }
}

/** Every world a test built: their sessions are ended after each test, so that none outlives it. */
const worlds: World[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.sessions.onModuleDestroy();
});

function anEntry(id: string): ClusterEntry {
  return {
    id,
    name: id,
    description: null,
    apiServer: null,
    source: 'kubeconfig',
    access: {} as ClusterEntry['access'],
    readOnly: true,
    impersonate: false,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
}

async function closedWith(socket: FakeSocket): Promise<{ code: number; reason: string }> {
  return eventually(() => {
    expect(socket.closed).toBeDefined();
    return socket.closed!;
  });
}

/** Lets pending promise callbacks and I/O callbacks run (for asserting that something did NOT happen). */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
}

describe(TerminalSession.name, () => {
  describe('refusing a request before anything starts', () => {
    it.each([
      { label: 'a bad namespace', params: { ...POD_PATH, namespace: 'Shop_1' }, query: {}, field: 'namespace' },
      { label: 'a bad pod name', params: { ...POD_PATH, name: 'web 0' }, query: {}, field: 'name' },
      { label: 'a bad cluster id', params: { ...POD_PATH, clusterId: '-x' }, query: {}, field: 'clusterId' },
      { label: 'a bad container name', params: POD_PATH, query: { container: 'App_1' }, field: 'container' },
      { label: 'a command too long', params: POD_PATH, query: { command: 'x'.repeat(4097) }, field: 'command' },
    ])('answers $label with ValidationFailed and closes 4400', async ({ params, query, field }) => {
      const world = new World();
      const socket = world.open(query, params);
      expect(socket.sent).toEqual([
        expect.objectContaining({
          type: 'error',
          code: 400,
          reason: 'ValidationFailed',
          details: [expect.objectContaining({ field })],
        }),
      ]);
      await expect(closedWith(socket)).resolves.toEqual({ code: 4400, reason: 'ValidationFailed' });
      expect(world.execs).toEqual([]);
      expect(world.audit.starts).toEqual([]);
    });

    it.each([
      { command: "sh -c 'echo hi", problem: 'unbalanced single quote' },
      { command: 'echo "hi', problem: 'unbalanced double quote' },
      { command: 'echo hi\\', problem: 'backslash' },
    ])('answers the command $command with BadRequest ($problem) and closes 4400', async ({ command, problem }) => {
      const world = new World();
      const socket = world.open({ command });
      expect(socket.sent).toEqual([
        { type: 'error', code: 400, reason: 'BadRequest', message: expect.stringContaining(problem) },
      ]);
      await expect(closedWith(socket)).resolves.toMatchObject({ code: 4400 });
      expect(world.execs).toEqual([]);
    });
  });

  describe('starting the process', () => {
    it.each([
      { query: {}, argv: ['/bin/sh'] },
      { query: { command: '' }, argv: ['/bin/sh'] },
      { query: { command: '  \t ' }, argv: ['/bin/sh'] },
      { query: { command: 'bash' }, argv: ['bash'] },
      { query: { command: `sh -c 'echo "a  b"; exit 3'` }, argv: ['sh', '-c', 'echo "a  b"; exit 3'] },
      { query: { command: "printf '%s|' '' $HOME" }, argv: ['printf', '%s|', '', '$HOME'] },
    ])('runs $query as $argv, in the default container, with no shell added', async ({ query, argv }) => {
      const world = new World();
      world.open(query);
      await world.channel();
      expect(world.execs).toEqual([
        { namespace: 'shop', name: 'web-0', options: { container: 'app', command: argv }, signal: expect.anything() },
      ]);
    });

    it('runs in the container asked for', async () => {
      const world = new World();
      world.open({ container: 'proxy' });
      await world.channel();
      expect(world.execs[0].options.container).toBe('proxy');
    });

    it('writes the start to the audit log, as the anonymous caller with the upgrade request id', async () => {
      const world = new World();
      world.open({ container: 'proxy', command: 'ls -la' });
      await world.channel();
      expect(world.audit.starts).toEqual([
        {
          requestId: 'req-1',
          caller: 'anonymous',
          clusterId: CLUSTER,
          namespace: 'shop',
          pod: 'web-0',
          container: 'proxy',
          argv: ['ls', '-la'],
          startedAt: expect.any(Date),
        },
      ]);
    });
    it('opens no process when the audit log cannot take the session, and says why', async () => {
      const world = new World();
      const refusal = new ApiError(503, 'AuditUnavailable', 'the terminal was not opened: it could not be written');
      world.audit.start = () => Promise.reject(refusal);
      const socket = world.open();
      await eventually(() => expect(socket.closed).toEqual({ code: 4503, reason: 'AuditUnavailable' }));
      expect(socket.of('error')).toEqual([expect.objectContaining({ code: 503, reason: 'AuditUnavailable' })]);
      expect(world.execs).toEqual([]);
    });
  });

  describe('a running terminal', () => {
    it('sends what the process writes, decoding characters split across chunks', async () => {
      const world = new World();
      const socket = world.open();
      const channel = await world.channel();
      const text = 'é€ a漢🚀 👩‍💻\r\n/ # ';
      const bytes = Buffer.from(text, 'utf8');
      for (let at = 0; at < bytes.length; at += 3) {
        channel.print(bytes.subarray(at, at + 3));
        await settle(); // each piece read on its own, not joined with the next in the stream's buffer
      }
      await eventually(() => expect(socket.output).toBe(text));
      expect(socket.output).not.toContain('\uFFFD');
      expect(world.audit.outputs.join('')).toBe(text);
    });

    it('ends with the exit code and a normal close, recording the bytes each way', async () => {
      const world = new World();
      const socket = world.open();
      const channel = await world.channel();
      socket.receive({ type: 'input', data: 'exit 3\n' });
      await eventually(() => expect(channel.input).toBe('exit 3\n'));
      channel.print('bye 🚀\r\n');
      channel.exit(3);
      await expect(closedWith(socket)).resolves.toEqual({ code: 1000, reason: '' });
      expect(socket.sent).toEqual([
        { type: 'output', data: 'bye 🚀\r\n' },
        { type: 'exit', code: 3 },
      ]);
      await eventually(() =>
        expect(world.audit.ends).toEqual([
          {
            endedAt: expect.any(Date),
            outcome: 'exited',
            exitCode: 3,
            bytesIn: 7,
            bytesOut: Buffer.byteLength('bye 🚀\r\n'),
          },
        ]),
      );
      expect(world.audit.inputs).toEqual(['exit 3\n']);
    });

    it('ends with a code 0 exit when the process succeeds', async () => {
      const world = new World();
      const socket = world.open();
      (await world.channel()).exit(0);
      await expect(closedWith(socket)).resolves.toMatchObject({ code: 1000 });
      expect(socket.of('exit')).toEqual([{ type: 'exit', code: 0 }]);
    });

    it('writes each input to stdin as UTF-8, in order', async () => {
      const world = new World();
      const socket = world.open();
      const channel = await world.channel();
      for (const data of ['ec', 'ho é€ 🚀', '\n']) socket.receive({ type: 'input', data });
      await eventually(() => expect(channel.input).toBe('echo é€ 🚀\n'));
    });

    it('answers input over 64 KiB with an error and goes on', async () => {
      const world = new World();
      const socket = world.open();
      const channel = await world.channel();
      socket.receive({ type: 'input', data: 'é'.repeat(32 * 1024 + 1) }); // 65 538 bytes
      socket.receive({ type: 'input', data: 'x'.repeat(64 * 1024) });
      await eventually(() => expect(channel.written.map((input) => input.length)).toEqual([64 * 1024]));
      expect(socket.of('error')).toEqual([
        expect.objectContaining({ code: 400, reason: 'ValidationFailed', message: expect.stringContaining('data') }),
      ]);
      expect(socket.closed).toBeUndefined();
    });

    it.each([
      { label: 'a frame that is not JSON', frame: 'ls -la', reason: 'BadRequest' },
      { label: 'an unknown type', frame: '{"type":"stdin","data":"x"}', reason: 'BadRequest' },
      { label: 'input without data', frame: '{"type":"input"}', reason: 'ValidationFailed' },
      { label: 'an unknown field', frame: '{"type":"input","data":"x","echo":true}', reason: 'ValidationFailed' },
      { label: 'a resize of 0 columns', frame: '{"type":"resize","cols":0,"rows":40}', reason: 'ValidationFailed' },
      { label: 'a resize of 1001 rows', frame: '{"type":"resize","cols":80,"rows":1001}', reason: 'ValidationFailed' },
      { label: 'a fractional resize', frame: '{"type":"resize","cols":80.5,"rows":24}', reason: 'ValidationFailed' },
    ])('answers $label with an error and goes on', async ({ frame, reason }) => {
      const world = new World();
      const socket = world.open();
      const channel = await world.channel();
      socket.receive(frame);
      socket.receive({ type: 'input', data: 'still here\n' });
      await eventually(() => expect(channel.input).toBe('still here\n'));
      expect(socket.of('error')).toEqual([expect.objectContaining({ code: 400, reason })]);
      expect(channel.resizes).toEqual([]);
      expect(socket.closed).toBeUndefined();
    });

    it('forwards each resize (1–1000 each) to the TTY and the audit log', async () => {
      const world = new World();
      const socket = world.open();
      const channel = await world.channel();
      socket.receive({ type: 'resize', cols: 120, rows: 40 });
      socket.receive({ type: 'resize', cols: 1, rows: 1000 });
      await eventually(() =>
        expect(channel.resizes).toEqual([
          [120, 40],
          [1, 1000],
        ]),
      );
      expect(world.audit.resizes).toEqual(channel.resizes);
    });

    it('applies the last resize and every input sent before the process started once it starts', async () => {
      const world = new World();
      let startProcess!: (channel: ExecChannel) => void;
      world.nextExec = () => new Promise((resolve) => (startProcess = resolve));
      const socket = world.open();
      socket.receive({ type: 'resize', cols: 100, rows: 30 });
      socket.receive({ type: 'input', data: 'echo early\n' });
      socket.receive({ type: 'resize', cols: 132, rows: 43 });
      socket.receive({ type: 'input', data: 'size\n' });
      await eventually(() => expect(world.execs).toHaveLength(1));
      const channel = new FakeExecChannel();
      startProcess(channel);
      await eventually(() => expect(channel.input).toBe('echo early\nsize\n'));
      expect(channel.resizes).toEqual([[132, 43]]);
      expect(world.audit.resizes).toEqual([[132, 43]]);
    });

    it('writes the next input only once the upstream has drained', async () => {
      const world = new World();
      const socket = world.open();
      const channel = await world.channel();
      channel.accepting = false;
      socket.receive({ type: 'input', data: 'first' });
      socket.receive({ type: 'input', data: 'second' });
      await eventually(() => expect(channel.input).toBe('first'));
      await settle();
      expect(channel.input).toBe('first');
      channel.drain();
      await eventually(() => expect(channel.input).toBe('firstsecond'));
    });

    it('refuses input beyond what it holds for a process that takes none, and goes on', async () => {
      const world = new World();
      const socket = world.open();
      const channel = await world.channel();
      channel.accepting = false;
      const chunk = 'x'.repeat(64 * 1024);
      socket.receive({ type: 'input', data: chunk });
      await eventually(() => expect(channel.written).toHaveLength(1)); // taken, and the upstream is full
      for (let index = 0; index < 5; index++) socket.receive({ type: 'input', data: chunk });
      await eventually(() => expect(socket.of('error')).toHaveLength(1));
      expect(socket.of('error')[0]).toMatchObject({ code: 429, reason: 'TooManyRequests' });
      expect(socket.closed).toBeUndefined();
      channel.drain();
      await eventually(() => expect(channel.input.length).toBe(5 * chunk.length));
      socket.receive({ type: 'input', data: 'after\n' });
      await eventually(() => expect(channel.input.endsWith('after\n')).toBe(true));
    });

    it('pulls no more output while the client has fallen behind, and goes on once it reads', async () => {
      const world = new World();
      let pulls = 0;
      const chunks = 64;
      const chunk = Buffer.alloc(16 * 1024, 'y');
      // A process that writes as long as it is read (`yes`), up to a megabyte.
      const yes = new Readable({
        highWaterMark: 1,
        read() {
          pulls++;
          this.push(pulls <= chunks ? chunk : null);
        },
      });
      world.nextExec = () => Promise.resolve(new FakeExecChannel(yes));
      const socket = world.open();
      socket.bufferedAmount = HIGH_WATER; // the client has this much unread
      socket.holdWrites = true;
      await eventually(() => expect(socket.of('output')).toHaveLength(1));
      await settle();
      expect(socket.of('output')).toHaveLength(1);
      expect(pulls).toBeLessThanOrEqual(3); // the chunk sent, and what the stream reads ahead
      socket.bufferedAmount = 0;
      socket.flushWrites();
      await eventually(() => expect(socket.output.length).toBe(chunks * chunk.length));
      socket.leave();
    });
  });

  describe('how a terminal ends', () => {
    it('closes the upstream when the client leaves, and records client-closed', async () => {
      const world = new World();
      const socket = world.open();
      const channel = await world.channel();
      socket.leave();
      await eventually(() => expect(channel.closed).toBe(true));
      await eventually(() => expect(world.audit.ends).toEqual([expect.objectContaining({ outcome: 'client-closed' })]));
      expect(socket.sent).toEqual([]);
    });

    it('closes the upstream of a process still starting when the client leaves', async () => {
      const world = new World();
      let startProcess!: (channel: ExecChannel) => void;
      world.nextExec = () => new Promise((resolve) => (startProcess = resolve));
      const socket = world.open();
      await eventually(() => expect(world.execs).toHaveLength(1));
      socket.leave();
      expect(world.execs[0].signal.aborted).toBe(true);
      const late = new FakeExecChannel();
      startProcess(late);
      await eventually(() => expect(late.closed).toBe(true));
      await eventually(() => expect(world.audit.ends).toEqual([expect.objectContaining({ outcome: 'client-closed' })]));
    });

    it.each([
      {
        label: 'a pod that does not exist',
        params: { ...POD_PATH, name: 'ghost' },
        query: {},
        code: 4404,
        reason: 'NotFound',
      },
      {
        label: 'a container the pod lacks',
        params: POD_PATH,
        query: { container: 'db' },
        code: 4404,
        reason: 'NotFound',
      },
      { label: 'a completed pod', params: { ...POD_PATH, name: 'done' }, query: {}, code: 4409, reason: 'Conflict' },
      {
        label: 'an unknown cluster',
        params: { ...POD_PATH, clusterId: 'nowhere' },
        query: {},
        code: 4404,
        reason: 'ClusterNotFound',
      },
    ])('refuses $label with an error and close $code', async ({ params, query, code, reason }) => {
      const world = new World();
      const socket = world.open(query, params);
      await expect(closedWith(socket)).resolves.toEqual({ code, reason });
      expect(socket.sent).toEqual([{ type: 'error', code: code - 4000, reason, message: expect.any(String) }]);
      expect(world.execs).toEqual([]);
      await eventually(() =>
        expect(world.audit.ends).toEqual([expect.objectContaining({ outcome: 'upstream-failed', exitCode: null })]),
      );
      expect(world.audit.starts).toEqual([
        expect.objectContaining({ pod: params.name, container: query.container ?? '' }),
      ]);
    });

    it('refuses a container that is not running with 4409', async () => {
      const world = new World();
      world.kube.withPods(
        aPod('web-1')
          .inNamespace('shop')
          .withContainers('app', 'proxy')
          .running()
          .withContainerStatus('proxy', is.terminated(1, 'Error'))
          .build(),
      );
      const socket = world.open({ container: 'proxy' }, { ...POD_PATH, name: 'web-1' });
      await expect(closedWith(socket)).resolves.toEqual({ code: 4409, reason: 'Conflict' });
      expect(socket.of('error')[0].message).toBe('container "proxy" of pod "web-1" is not running (terminated: Error)');
    });

    it.each([
      { error: new ApiError(403, 'Forbidden', 'pods "web-0" is forbidden: cannot create pods/exec'), code: 4403 },
      { error: new ApiError(409, 'Conflict', 'container "app" is not running'), code: 4409 },
      { error: new ApiError(502, 'ClusterUnreachable', 'the cluster could not be reached'), code: 4502 },
    ])('passes on a refused exec ($error.reason) with close $code', async ({ error, code }) => {
      const world = new World();
      world.nextExec = () => Promise.reject(error);
      const socket = world.open();
      await expect(closedWith(socket)).resolves.toEqual({ code, reason: error.reason });
      expect(socket.sent).toEqual([
        { type: 'error', code: error.status, reason: error.reason, message: error.message },
      ]);
    });

    it.each([
      { error: new ApiError(409, 'Conflict', 'container not found ("app")'), code: 4409 },
      { error: new ApiError(502, 'ClusterUnreachable', 'the connection to the cluster broke'), code: 4502 },
    ])(
      'sends what came before a failure of the running process, then the error ($error.reason)',
      async ({ error, code }) => {
        const world = new World();
        const socket = world.open();
        const channel = await world.channel();
        channel.print('partial');
        channel.fail(error);
        await expect(closedWith(socket)).resolves.toEqual({ code, reason: error.reason });
        expect(socket.sent).toEqual([
          { type: 'output', data: 'partial' },
          { type: 'error', code: error.status, reason: error.reason, message: error.message },
        ]);
        await eventually(() =>
          expect(world.audit.ends).toEqual([
            expect.objectContaining({ outcome: 'upstream-failed', exitCode: null, detail: error.message }),
          ]),
        );
      },
    );

    it('reports an output stream that breaks as an upstream failure (4502)', async () => {
      const world = new World();
      const socket = world.open();
      const channel = await world.channel();
      channel.output.destroy(new Error('socket hang up'));
      await expect(closedWith(socket)).resolves.toEqual({ code: 4502, reason: 'ClusterUnreachable' });
      expect(socket.of('error')).toEqual([expect.objectContaining({ message: 'the connection to the cluster broke' })]);
    });

    it('closes the terminals of a removed cluster with ClusterNotFound (4404)', async () => {
      const world = new World();
      const socket = world.open();
      const channel = await world.channel();
      await world.connection.close();
      await expect(closedWith(socket)).resolves.toEqual({ code: 4404, reason: 'ClusterNotFound' });
      expect(channel.closed).toBe(true);
      expect(socket.of('error')).toEqual([expect.objectContaining({ message: 'cluster "c1" was removed' })]);
      await eventually(() =>
        expect(world.audit.ends).toEqual([expect.objectContaining({ outcome: 'cluster-removed' })]),
      );
    });

    it('closes every terminal with 1001 when the service stops, completing their audit records', async () => {
      const world = new World();
      const sockets = [world.open(), world.open()];
      await world.channel(1);
      await world.sessions.onModuleDestroy();
      expect(world.audit.ends.map((end) => end.outcome)).toEqual(['service-stopping', 'service-stopping']);
      expect(sockets.map((socket) => socket.closed)).toEqual([
        { code: 1001, reason: 'the service is stopping' },
        { code: 1001, reason: 'the service is stopping' },
      ]);
      expect(world.channels.map((channel) => channel.closed)).toEqual([true, true]);
    });

    it('refuses a terminal beyond EXEC_MAX_SESSIONS with TooManySessions (4429), and admits one when a place frees', async () => {
      const world = new World({ ...CONFIG, maxSessions: 2 });
      const first = world.open();
      world.open();
      await world.channel(1);
      const refused = world.open();
      expect(refused.sent).toEqual([
        {
          type: 'error',
          code: 429,
          reason: 'TooManySessions',
          message: 'the service runs at most 2 terminals at once; try again later',
        },
      ]);
      await expect(closedWith(refused)).resolves.toEqual({ code: 4429, reason: 'TooManySessions' });
      expect(world.execs).toHaveLength(2);
      first.leave();
      world.open();
      await world.channel(2);
    });
  });

  describe('limits in time', () => {
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }));
    afterEach(() => jest.useRealTimers());

    /** Runs timers and pending callbacks until `check` passes or `ms` of fake time have gone by. */
    async function within(ms: number, check: () => void): Promise<void> {
      for (let waited = 0; ; waited += 100) {
        try {
          return check();
        } catch (error) {
          if (waited >= ms) throw error;
        }
        await jest.advanceTimersByTimeAsync(100);
      }
    }

    it('closes a terminal with neither input nor output for the idle limit with IdleTimeout (4408)', async () => {
      const world = new World({ ...CONFIG, idleTimeoutMs: 10_000 });
      const socket = world.open();
      let channel!: FakeExecChannel;
      await within(100, () => expect((channel = world.channels[0])).toBeDefined());
      await jest.advanceTimersByTimeAsync(9_000);
      channel.print('/ # ');
      await within(100, () => expect(socket.output).toBe('/ # '));
      await jest.advanceTimersByTimeAsync(9_000);
      socket.receive({ type: 'input', data: 'l' });
      await jest.advanceTimersByTimeAsync(9_000);
      expect(socket.closed).toBeUndefined(); // 27 s in, never 10 s without input or output
      await within(1_100, () => expect(socket.closed).toEqual({ code: 4408, reason: 'IdleTimeout' }));
      expect(socket.of('error')).toEqual([
        {
          type: 'error',
          code: 408,
          reason: 'IdleTimeout',
          message: 'no input or output for 10 s: the terminal was closed',
        },
      ]);
      expect(channel.closed).toBe(true);
      await within(100, () => expect(world.audit.ends).toEqual([expect.objectContaining({ outcome: 'idle-timeout' })]));
    });

    it('closes a terminal open for the maximum duration with MaxDurationReached (4408), however busy', async () => {
      const world = new World({ ...CONFIG, idleTimeoutMs: 10_000, maxSessionMs: 30_000 });
      const socket = world.open();
      let channel!: FakeExecChannel;
      await within(100, () => expect((channel = world.channels[0])).toBeDefined());
      for (let second = 0; second < 29; second++) {
        socket.receive({ type: 'input', data: 'x' });
        await jest.advanceTimersByTimeAsync(1000);
      }
      expect(socket.closed).toBeUndefined();
      await within(1_100, () => expect(socket.closed).toEqual({ code: 4408, reason: 'MaxDurationReached' }));
      expect(socket.of('error')).toEqual([expect.objectContaining({ reason: 'MaxDurationReached', code: 408 })]);
      expect(channel.closed).toBe(true);
      await within(100, () => expect(world.audit.ends).toEqual([expect.objectContaining({ outcome: 'max-duration' })]));
    });
  });
});
