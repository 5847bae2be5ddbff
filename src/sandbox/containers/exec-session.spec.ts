import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
// The real peer: client-node's Exec is what the service uses against a cluster (allowed in specs).
// eslint-disable-next-line no-restricted-imports
import { Exec, KubeConfig, type V1Status } from '@kubernetes/client-node';
import { WebSocket, WebSocketServer } from 'ws';
import type { KubePod } from '../../common/kube/kube-objects.js';
import { aPod, containerState } from '../../../test/helpers/pod-builder.js';
import { parseExecRequest } from './exec-request.js';
import { EXEC_SUBPROTOCOLS, ExecSessions, negotiateExecProtocol } from './exec-session.js';
import { eventually } from '../../../test/helpers/eventually.js';

const V5 = 'v5.channel.k8s.io';
const V4 = 'v4.channel.k8s.io';
const SUCCESS = '{"metadata":{},"status":"Success"}';

const runningPod = aPod('web-0').inNamespace('shop').onNode('node-1').running().build();

/** A tiny API server: upgrades `…/exec?…` with the negotiated subprotocol and hands the socket to ExecSessions. */
class ExecServer {
  readonly sessions: ExecSessions;
  /** The server side of the last accepted socket. */
  lastSocket?: WebSocket;
  private readonly http: Server;
  private readonly wss: WebSocketServer;

  constructor(
    public pod: KubePod = runningPod,
    options: ConstructorParameters<typeof ExecSessions>[0] = {},
  ) {
    this.sessions = new ExecSessions(options);
    this.http = createServer();
    this.wss = new WebSocketServer({
      server: this.http,
      handleProtocols: (offered) => negotiateExecProtocol(offered) ?? false,
    });
    this.wss.on('connection', (socket, request) => {
      this.lastSocket = socket;
      const params = new URL(request.url ?? '/', 'http://sandbox').searchParams;
      this.sessions.start(socket, socket.protocol, this.pod, parseExecRequest(this.pod, params));
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.sessions.closeAll();
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

/** A raw remote-command client: records every frame by channel. */
class ExecClient {
  readonly frames: { channel: number; data: Buffer }[] = [];
  closeCode?: number;
  readonly socket: WebSocket;
  private readonly opened: Promise<void>;

  constructor(url: string, query: string, protocols: string[] = [V5]) {
    this.socket = new WebSocket(`${url}/api/v1/namespaces/shop/pods/web-0/exec?${query}`, protocols);
    this.socket.on('message', (data: Buffer) => this.frames.push({ channel: data[0], data: data.subarray(1) }));
    this.socket.on('close', (code) => (this.closeCode = code));
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
  }

  static async open(server: ExecServer, query: string, protocols?: string[]): Promise<ExecClient> {
    const client = new ExecClient(server.url, query, protocols);
    await client.opened;
    return client;
  }

  text(channel: number): string {
    return Buffer.concat(this.frames.filter((frame) => frame.channel === channel).map((frame) => frame.data)).toString(
      'utf8',
    );
  }

  send(channel: number, data: string | number[]): void {
    const payload = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    this.socket.send(Buffer.concat([Buffer.from([channel]), payload]));
  }

  /** The Status on channel 3 and the close code, once the server has closed. */
  async finished(): Promise<{ status: string; code: number | undefined }> {
    await eventually(() => expect(this.closeCode).toBeDefined());
    return { status: this.text(3), code: this.closeCode };
  }
}

const command = (...argv: string[]): string => argv.map((arg) => `command=${encodeURIComponent(arg)}`).join('&');

describe(ExecSessions.name, () => {
  let server: ExecServer;

  beforeEach(async () => {
    server = await new ExecServer().listen();
  });

  afterEach(async () => {
    await server.close();
  });

  it('offers v5 then v4, and picks v5 whenever the client offers it', () => {
    expect(EXEC_SUBPROTOCOLS).toEqual([V5, V4]);
    expect(negotiateExecProtocol([V4, V5])).toBe(V5);
    expect(negotiateExecProtocol(['channel.k8s.io', V4])).toBe(V4);
    expect(negotiateExecProtocol(['base64.channel.k8s.io'])).toBeUndefined();
  });

  it('picks v4 as an API server before 1.30 does, which speaks nothing newer', () => {
    expect(negotiateExecProtocol([V5, V4], [V4])).toBe(V4);
    expect(negotiateExecProtocol([V5], [V4])).toBeUndefined();
  });

  describe.each([V5, V4])('over %s', (protocol) => {
    it('opens with an empty stdout frame, sends the output, then Success on channel 3 and close 1000', async () => {
      const client = await ExecClient.open(server, `stdout=true&stderr=true&${command('echo', 'hello')}`, [protocol]);
      expect(await client.finished()).toEqual({ status: SUCCESS, code: 1000 });
      expect(client.frames[0]).toEqual({ channel: 1, data: Buffer.alloc(0) });
      expect(client.text(1)).toBe('hello\n');
    });

    it('keeps stderr on channel 2 without a TTY', async () => {
      const client = await ExecClient.open(
        server,
        `stdout=true&stderr=true&${command('sh', '-c', 'echo out; echo err >&2; nosuch')}`,
        [protocol],
      );
      await client.finished();
      expect(client.text(1)).toBe('out\n');
      expect(client.text(2)).toBe('err\nsh: nosuch: not found\n');
    });

    it('opens on the error channel when no output stream is requested', async () => {
      const client = await ExecClient.open(server, `stdin=true&${command('cat')}`, [protocol]);
      await eventually(() => expect(client.frames[0]).toEqual({ channel: 3, data: Buffer.alloc(0) }));
      client.socket.close();
    });
  });

  describe('exit status on channel 3, exactly as a cluster sends it', () => {
    it.each([
      {
        protocol: V5,
        message: 'command terminated with non-zero exit code: command terminated with exit code 3',
      },
      {
        protocol: V4,
        message: 'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
      },
    ])('$protocol', async ({ protocol, message }) => {
      const client = await ExecClient.open(server, `stdout=true&stderr=true&${command('sh', '-c', 'exit 3')}`, [
        protocol,
      ]);
      const { status, code } = await client.finished();
      expect(code).toBe(1000);
      expect(status).toBe(
        `{"metadata":{},"status":"Failure","message":${JSON.stringify(message)},"reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}`,
      );
    });

    it('an unknown program fails to start as containerd reports it, wrapped once more by the v5 API server', async () => {
      const v5 = await ExecClient.open(server, `stdout=true&stderr=true&${command('foo')}`, [V5]);
      const status = JSON.parse((await v5.finished()).status) as V1Status;
      expect(status).toMatchObject({ status: 'Failure', reason: 'InternalError', code: 500 });
      expect(status.message).toMatch(
        /^Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "foo": executable file not found in \$PATH$/,
      );
      expect(v5.text(1) + v5.text(2)).toBe('');

      const v4 = await ExecClient.open(server, `stdout=true&stderr=true&${command('foo')}`, [V4]);
      const v4Status = JSON.parse((await v4.finished()).status) as V1Status;
      expect(v4Status.message).toMatch(
        /^Internal error occurred: error executing command in container: failed to exec in container: /,
      );
      expect(v4Status.details?.causes?.[0].message).toMatch(/^error executing command in container: /);
    });

    it('a container that is not running: the kubelet refusal after the upgrade', async () => {
      server.pod = aPod('web-0')
        .inNamespace('shop')
        .onNode('node-1')
        .withContainerStatus('app', containerState.terminated(0, 'Completed'))
        .running()
        .build();
      const client = await ExecClient.open(server, `stdout=true&${command('sh')}`);
      expect(JSON.parse((await client.finished()).status)).toEqual({
        metadata: {},
        status: 'Failure',
        message: 'Internal error occurred: unable to upgrade connection: container not found ("app")',
        reason: 'InternalError',
        details: { causes: [{ message: 'unable to upgrade connection: container not found ("app")' }] },
        code: 500,
      });
    });
  });

  describe('standard input', () => {
    it('v5: the CLOSE signal for stdin ends cat', async () => {
      const client = await ExecClient.open(server, `stdin=true&stdout=true&stderr=true&${command('cat')}`);
      client.send(0, 'abc\n');
      client.send(0, [0xc3]); // half of "é": the decoder keeps it for the next frame
      client.send(0, [0xa9]);
      await eventually(() => expect(client.text(1)).toBe('abc\né'));
      client.send(255, [0]);
      expect(await client.finished()).toEqual({ status: SUCCESS, code: 1000 });
    });

    it('a shell reads its commands from stdin until it closes (echo "echo hi" | kubectl exec -i … -- sh)', async () => {
      const client = await ExecClient.open(server, `stdin=true&stdout=true&stderr=true&${command('sh')}`);
      client.send(0, 'echo hi\nexit 7\n');
      client.send(255, [0]);
      const { status } = await client.finished();
      expect(client.text(1)).toBe('hi\n');
      expect(JSON.parse(status)).toMatchObject({ details: { causes: [{ reason: 'ExitCode', message: '7' }] } });
    });

    it('without stdin requested, a shell ends at once', async () => {
      const client = await ExecClient.open(server, `stdout=true&stderr=true&${command('sh')}`);
      expect(await client.finished()).toEqual({ status: SUCCESS, code: 1000 });
    });
  });

  describe('TTY', () => {
    it('echoes typed input with CR LF, merges stderr, reports the size of the last resize', async () => {
      const client = await ExecClient.open(server, `stdin=true&stdout=true&tty=true&${command('sh')}`);
      client.send(4, '{"Width":120,"Height":40}');
      client.send(0, 'siz');
      client.send(0, 'e\r');
      await eventually(() => expect(client.text(1)).toBe('/ # size\r\n40 120\r\n/ # '));
      client.send(4, '{"Width":80,');
      client.send(4, '"Height":24}{"width":100,"height":30}');
      client.send(0, 'size; nosuch\r');
      await eventually(() =>
        expect(client.text(1)).toBe(
          '/ # size\r\n40 120\r\n/ # size; nosuch\r\n30 100\r\nsh: nosuch: not found\r\n/ # ',
        ),
      );
      client.send(0, 'exit 3\r');
      const { status } = await client.finished();
      expect(JSON.parse(status)).toMatchObject({ reason: 'NonZeroExitCode', details: { causes: [{ message: '3' }] } });
      expect(client.text(2)).toBe('');
    });

    it('^C interrupts yes (status 130), ^D at an empty prompt exits', async () => {
      const client = await ExecClient.open(server, `stdin=true&stdout=true&tty=true&${command('sh')}`);
      client.send(0, 'yes\r');
      await eventually(() => expect(client.text(1).length).toBeGreaterThan(10_000));
      client.send(0, [3]);
      await eventually(() => expect(client.text(1)).toMatch(/\^C\r\n\/ # $/));
      client.send(0, 'echo $?\r');
      await eventually(() => expect(client.text(1)).toMatch(/\/ # echo \$\?\r\n130\r\n\/ # $/));
      client.send(0, [4]);
      expect(await client.finished()).toEqual({ status: SUCCESS, code: 1000 });
    });

    it("^C ends a program exec'd directly with 130", async () => {
      const client = await ExecClient.open(server, `stdin=true&stdout=true&tty=true&${command('yes', 'spam')}`);
      await eventually(() => expect(client.text(1)).toContain('spam\r\n'));
      client.send(0, [3]);
      const { status } = await client.finished();
      expect(JSON.parse(status)).toMatchObject({ details: { causes: [{ reason: 'ExitCode', message: '130' }] } });
    });
  });

  describe('flow control', () => {
    it('a client that stops reading holds the server to its high-water mark', async () => {
      await server.close();
      server = await new ExecServer(runningPod, { sendHighWaterBytes: 16 * 1024 }).listen();
      const client = await ExecClient.open(server, `stdout=true&${command('yes')}`);
      await eventually(() => expect(client.text(1).length).toBeGreaterThan(0));
      client.socket.pause();
      const serverSocket = server.lastSocket as WebSocket;
      // Fill the kernel buffers until the server's own buffer takes the rest.
      await eventually(() => expect(serverSocket.bufferedAmount).toBeGreaterThan(0), { timeoutMs: 10_000 });
      let highest = 0;
      const deadline = Date.now() + 300;
      while (Date.now() < deadline) {
        highest = Math.max(highest, serverSocket.bufferedAmount);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // The high-water mark plus the frame that crossed it (a `yes` chunk is 8 KiB).
      expect(highest).toBeLessThanOrEqual(16 * 1024 + 8 * 1024 + 16);
      client.socket.terminate();
      await eventually(() => expect(server.sessions.open).toBe(0));
    });
  });

  describe('ending sessions', () => {
    it('counts open sessions; a client that leaves ends its process', async () => {
      const client = await ExecClient.open(server, `stdin=true&stdout=true&${command('cat')}`);
      expect(server.sessions.open).toBe(1);
      client.socket.close();
      await eventually(() => expect(server.sessions.open).toBe(0));
    });

    it('closePod kills the process: 137 on channel 3, as when a pod is deleted', async () => {
      const client = await ExecClient.open(server, `stdout=true&${command('sleep', '3600')}`);
      await eventually(() => expect(server.sessions.open).toBe(1));
      server.sessions.closePod('uid-other');
      server.sessions.closePod(runningPod.metadata.uid ?? '');
      const { status, code } = await client.finished();
      expect(code).toBe(1000);
      expect(JSON.parse(status)).toMatchObject({ details: { causes: [{ reason: 'ExitCode', message: '137' }] } });
      await eventually(() => expect(server.sessions.open).toBe(0));
    });

    it('closeAll drops every socket', async () => {
      const client = await ExecClient.open(server, `stdout=true&${command('sleep', '3600')}`);
      server.sessions.closeAll();
      expect(server.sessions.open).toBe(0);
      await eventually(() => expect(client.closeCode).toBe(1006));
    });
  });

  describe("client-node's Exec (a real peer)", () => {
    function execFor(): Exec {
      const config = new KubeConfig();
      config.loadFromOptions({
        clusters: [{ name: 'sandbox', server: server.httpUrl, skipTLSVerify: true }],
        users: [{ name: 'user', token: 'token' }],
        contexts: [{ name: 'sandbox', cluster: 'sandbox', user: 'user' }],
        currentContext: 'sandbox',
      });
      return new Exec(config);
    }

    function sink(): { stream: Writable; text: () => string } {
      let text = '';
      const stream = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          text += chunk.toString('utf8');
          callback();
        },
      });
      return { stream, text: () => text };
    }

    it('runs a command, gets stdout, stderr and the exit status', async () => {
      const out = sink();
      const err = sink();
      const status = new Promise<V1Status>((resolve) => {
        void execFor().exec(
          'shop',
          'web-0',
          'app',
          ['sh', '-c', 'echo to-out; echo to-err >&2; exit 3'],
          out.stream,
          err.stream,
          null,
          false,
          resolve,
        );
      });
      expect(await status).toMatchObject({
        status: 'Failure',
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: '3' }] },
      });
      expect(out.text()).toBe('to-out\n');
      expect(err.text()).toBe('to-err\n');
    });

    it('feeds stdin and half-closes it with the v5 CLOSE signal', async () => {
      const out = sink();
      const stdin = new PassThrough();
      const status = new Promise<V1Status>((resolve) => {
        void execFor().exec('shop', 'web-0', 'app', ['sh'], out.stream, null, stdin, false, resolve);
      });
      stdin.end('echo from-stdin\n');
      expect(await status).toMatchObject({ status: 'Success' });
      expect(out.text()).toBe('from-stdin\n');
    });
  });
});
