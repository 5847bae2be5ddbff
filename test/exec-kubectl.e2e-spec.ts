import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { KubePod } from '../src/common/kube/kube-objects.js';
import { FAST_TIMINGS, SandboxServer } from '../src/sandbox/sandbox-server.js';
import { createTestApp, wsUrl } from './helpers/create-test-app.js';
import { eventually } from './helpers/eventually.js';
import { Kubectl, type KubectlTerminal } from './helpers/kubectl.js';
import { podManifest } from './helpers/sandbox-pods.js';
import { WsTestClient } from './helpers/ws-client.js';

jest.setTimeout(60_000);

const CLUSTER = 'kubectl';
const POD = 'shell';
const PROMPT = '/ # ';

/** A pod whose two containers tell themselves apart by `$ROLE`. */
function shellPod(): KubePod {
  const pod = podManifest(POD, { containers: ['app', 'sidecar'] });
  for (const container of pod.spec?.containers ?? []) container.env = [{ name: 'ROLE', value: container.name }];
  return pod;
}

/** How often `marker` occurs in `text`. */
const occurrences = (text: string, marker: string) => text.split(marker).length - 1;

/** Whether a shell has printed its `n`th prompt and waits at it. */
const atPrompt = (output: string, n: number) => occurrences(output, PROMPT) === n && output.endsWith(PROMPT);

interface Session {
  /** What the terminal showed. */
  output: string;
  code: number | null;
}

/**
 * The terminal WebSocket (api.md §5) against what the pinned kubectl (1.35) shows in a terminal for the same pod,
 * container, command and keystrokes, both on the same simulator over HTTPS. Our endpoint always uses a TTY, so kubectl
 * runs `exec -i -t`, in a pseudo-terminal of util-linux `script`; keys are typed only once the shell's prompt shows,
 * when kubectl has made its terminal raw. The terminal's bytes and the exit code are the same from both; kubectl's
 * own lines (the container it defaulted to, "command terminated with exit code N") go to its stderr, which the service
 * has no counterpart of: its `exit` message carries the code.
 */
describe('terminal over WebSocket, as kubectl exec -i -t shows it (e2e)', () => {
  let server: SandboxServer;
  let folder: string;
  let kubectl: Kubectl;
  let app: INestApplication;
  const terminals: KubectlTerminal[] = [];
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    server = await SandboxServer.start({ tls: true, seed: 'empty', timings: FAST_TIMINGS });
    folder = await mkdtemp(join(tmpdir(), 'pod-api-exec-kubectl-'));
    const kubeconfig = join(folder, 'kubeconfig');
    await writeFile(kubeconfig, server.kubeconfig({ contextName: CLUSTER }));
    kubectl = await Kubectl.create(kubeconfig);
    app = await createTestApp({ env: { KUBECONFIG: kubeconfig } });
    server.cluster.create('pods', shellPod());
    await eventually(() => expect(server.cluster.pod('default', POD)?.status?.phase).toBe('Running'), {
      timeoutMs: 10_000,
    });
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.terminate();
    await Promise.all(terminals.splice(0).map((terminal) => terminal.stop()));
  });
  afterAll(async () => {
    await app?.close();
    await kubectl?.dispose();
    await server?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  async function openTerminal(query: { container?: string; command?: string }): Promise<WsTestClient> {
    const params = new URLSearchParams(query as Record<string, string>).toString();
    const path = `/ws/clusters/${CLUSTER}/namespaces/default/pods/${POD}/exec${params ? `?${params}` : ''}`;
    const client = await WsTestClient.connect(wsUrl(app, path));
    clients.push(client);
    return client;
  }

  async function startKubectl(args: string[], size?: { rows: number; cols: number }): Promise<KubectlTerminal> {
    const terminal = await kubectl.startInTerminal(['exec', '-i', '-t', POD, ...args], { size });
    terminals.push(terminal);
    return terminal;
  }

  /** Types each line (with Enter) once the shell waits at its next prompt, then waits for the end. */
  async function throughService(query: { container?: string; command?: string }, lines: string[]): Promise<Session> {
    const client = await openTerminal(query);
    for (const [index, line] of lines.entries()) {
      await client.until(() => atPrompt(client.joined('output'), index + 1));
      client.send({ type: 'input', data: `${line}\r` });
    }
    const exit = await client.next('exit');
    await expect(client.waitClosed()).resolves.toMatchObject({ code: 1000 });
    return { output: client.joined('output'), code: exit.code as number };
  }

  async function throughKubectl(args: string[], lines: string[]): Promise<Session & { stderr: string }> {
    const terminal = await startKubectl(args);
    for (const [index, line] of lines.entries()) {
      await terminal.until((output) => atPrompt(output, index + 1));
      terminal.type(`${line}\r`);
    }
    const result = await terminal.wait();
    return { output: result.stdout, code: result.code, stderr: withoutResizeRace(result.stderr) };
  }

  it.each([
    {
      label: 'the default /bin/sh in the first container: prompt, UTF-8 echo, exit 3',
      query: {},
      kubectlArgs: ['--', '/bin/sh'],
      lines: ['echo héllo 🚀 漢字', 'echo $ROLE', 'exit 3'],
      output: `${PROMPT}echo héllo 🚀 漢字\r\nhéllo 🚀 漢字\r\n${PROMPT}echo $ROLE\r\napp\r\n${PROMPT}exit 3\r\n`,
      code: 3,
      // Without -c on a pod of several containers kubectl says which one it took.
      stderr: 'Defaulted container "app" out of: app, sidecar\ncommand terminated with exit code 3\n',
    },
    {
      label: 'an argv with quotes, spaces, an empty word and no expansion',
      query: { command: `printf '[%s]' '' "two  spaces" 'it'"'"'s' $HOME "é 🚀"` },
      kubectlArgs: ['--', 'printf', '[%s]', '', 'two  spaces', "it's", '$HOME', 'é 🚀'],
      lines: [],
      output: "[][two  spaces][it's][$HOME][é 🚀]",
      code: 0,
      stderr: 'Defaulted container "app" out of: app, sidecar\n',
    },
    {
      label: 'sh -c with an exit code',
      query: { command: `sh -c 'echo x; exit 4'` },
      kubectlArgs: ['--', 'sh', '-c', 'echo x; exit 4'],
      lines: [],
      output: 'x\r\n',
      code: 4,
      stderr: 'Defaulted container "app" out of: app, sidecar\ncommand terminated with exit code 4\n',
    },
    {
      label: 'an unknown command typed into the shell (127)',
      query: {},
      kubectlArgs: ['--', '/bin/sh'],
      lines: ['nosuchcmd', 'exit'],
      output: `${PROMPT}nosuchcmd\r\nsh: nosuchcmd: not found\r\n${PROMPT}exit\r\n`,
      code: 127,
      stderr: 'Defaulted container "app" out of: app, sidecar\ncommand terminated with exit code 127\n',
    },
    {
      label: 'a named container (-c sidecar)',
      query: { container: 'sidecar' },
      kubectlArgs: ['-c', 'sidecar', '--', '/bin/sh'],
      lines: ['echo $ROLE', 'exit'],
      output: `${PROMPT}echo $ROLE\r\nsidecar\r\n${PROMPT}exit\r\n`,
      code: 0,
      stderr: '',
    },
  ])('$label: the same bytes and exit code', async ({ query, kubectlArgs, lines, output, code, stderr }) => {
    const expected = await throughKubectl(kubectlArgs, lines);
    expect(expected).toEqual({ output, code, stderr });

    await expect(throughService(query, lines)).resolves.toEqual({ output: expected.output, code: expected.code });
  });

  it('kubectl’s terminal is raw once the remote prompt shows: typed text is neither echoed nor edited locally', async () => {
    const terminal = await startKubectl(['--', '/bin/sh']);
    await terminal.until((output) => atPrompt(output, 1));
    const modes = await terminal.modes();
    // No line editing or echo, no signals from ^C, no CR added to what the process writes.
    expect(modes.filter((mode) => /^-?(icanon|echo|isig|opost)$/.test(mode)).sort()).toEqual([
      '-echo',
      '-icanon',
      '-isig',
      '-opost',
    ]);
  });

  it('size: the terminal’s size at the start, then after a resize', async () => {
    const client = await openTerminal({});
    client.send({ type: 'resize', cols: 132, rows: 43 });
    await client.until(() => atPrompt(client.joined('output'), 1));
    client.send({ type: 'input', data: 'size\r' });
    await client.until(() => atPrompt(client.joined('output'), 2));
    client.send({ type: 'resize', cols: 80, rows: 24 });
    client.send({ type: 'input', data: 'size\r' });
    await client.until(() => atPrompt(client.joined('output'), 3));
    expect(client.joined('output')).toBe(`${PROMPT}size\r\n43 132\r\n${PROMPT}size\r\n24 80\r\n${PROMPT}`);

    const terminal = await startKubectl(['--', '/bin/sh'], { rows: 43, cols: 132 });
    await terminal.until((output) => atPrompt(output, 1));
    terminal.type('size\r');
    await terminal.until((output) => atPrompt(output, 2));
    expect(terminal.output).toBe(`${PROMPT}size\r\n43 132\r\n${PROMPT}`);

    await terminal.resize({ rows: 24, cols: 80 });
    // kubectl sends the new size from its SIGWINCH handler, concurrently with what is typed, and stty sets rows and
    // columns one after the other: `size` is typed until the shell shows the new size (one typed before may still
    // see the old rows or columns).
    for (let prompts = 3; ; prompts++) {
      terminal.type('size\r');
      await terminal.until((output) => atPrompt(output, prompts));
      if (terminal.output.endsWith(`size\r\n24 80\r\n${PROMPT}`)) break;
      expect(terminal.output).toMatch(/size\r\n(43|24) (132|80)\r\n\/ # $/);
      expect(prompts).toBeLessThan(10);
    }
  });
});

/**
 * kubectl's stderr without the line its resize sender logs when it writes the terminal's size after the connection
 * has closed (client-go remotecommand v3.go, `handleResizes`): a race inside kubectl that a process exiting at once
 * can win, against a real cluster as against the simulator; it says nothing about the session.
 */
function withoutResizeRace(stderr: string): string {
  return stderr.replace(/^E\d{4} [\d:.]+ +\d+ v3\.go:\d+\] "Unhandled Error" err="websocket: close sent"\n/gm, '');
}
