import { aPod } from '../../../test/helpers/pod-builder.js';
import { BINARIES, containerView } from './container-view.js';
import { InputQueue } from './input-queue.js';
import { ExecStartError, Shell, type ShellIo, type TerminalSize } from './interpreter.js';
import { UTILITIES } from './programs.js';
import { eventually } from '../../../test/helpers/eventually.js';

/** A ShellIo that records everything; writes and sleeps complete at once unless told otherwise. */
class RecordingIo implements ShellIo {
  out = '';
  err = '';
  /** Both streams interleaved, as a terminal shows them. */
  screen = '';
  readonly sleeps: number[] = [];
  readonly input = new InputQueue();
  size?: TerminalSize;
  /** When set, sleeps last until their signal aborts. */
  blockSleeps = false;
  onWrite?: (count: number) => void;
  private writes = 0;

  write(fd: 1 | 2, text: string): Promise<void> {
    if (fd === 1) this.out += text;
    else this.err += text;
    this.screen += text;
    this.onWrite?.(++this.writes);
    return Promise.resolve();
  }

  read(signal: AbortSignal): Promise<string | null | undefined> {
    return this.input.read(signal);
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (!this.blockSleeps || ms === 0) return Promise.resolve();
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  terminalSize(): TerminalSize | undefined {
    return this.size;
  }
}

const pod = aPod('web-0')
  .inNamespace('shop')
  .onNode('node-1')
  .withContainers({ name: 'app', image: 'shop:1', env: [{ name: 'GREETING', value: 'hello world' }] })
  .running()
  .build();

function shellWith(options: { tty?: boolean; stdin?: string; closeStdin?: boolean } = {}): {
  shell: Shell;
  io: RecordingIo;
} {
  const io = new RecordingIo();
  if (options.stdin !== undefined) io.input.push(options.stdin);
  if (options.closeStdin ?? true) io.input.close();
  return { shell: new Shell(io, containerView(pod, 'app', options.tty ?? false)), io };
}

async function run(
  argv: string[],
  options: { stdin?: string } = {},
): Promise<{ status: number; out: string; err: string }> {
  const { shell, io } = shellWith(options);
  const status = await shell.exec(argv);
  return { status, out: io.out, err: io.err };
}

describe(Shell.name, () => {
  it('implements exactly the programs the image has in /bin', () => {
    expect([...Object.keys(UTILITIES), 'sh', 'bash'].sort()).toEqual([...BINARIES].sort());
  });

  describe('runs programs and scripts', () => {
    it.each([
      { argv: ['echo', 'hello', 'world'], out: 'hello world\n', status: 0 },
      { argv: ['echo', '-n', 'no newline'], out: 'no newline', status: 0 },
      { argv: ['echo', '$HOME'], out: '$HOME\n', status: 0 }, // exec runs no shell: nothing expands
      { argv: ['/bin/echo', 'by path'], out: 'by path\n', status: 0 },
      { argv: ['sh', '-c', 'exit 3'], out: '', status: 3 },
      { argv: ['sh', '-c', 'exit 300'], out: '', status: 44 },
      { argv: ['sh', '-c', 'false || echo x'], out: 'x\n', status: 0 },
      { argv: ['sh', '-c', 'true && echo yes; false && echo no; echo $?'], out: 'yes\n1\n', status: 0 },
      { argv: ['sh', '-c', 'false; echo "status=$?"'], out: 'status=1\n', status: 0 },
      { argv: ['sh', '-c', 'nosuch; echo $?'], out: '127\n', status: 0 },
      { argv: ['sh', '-c', 'echo "$HOSTNAME" \'$HOME\' ${HOME}'], out: 'web-0 $HOME /root\n', status: 0 },
      { argv: ['sh', '-c', 'echo $GREETING; echo "$GREETING"'], out: 'hello world\nhello world\n', status: 0 },
      { argv: ['sh', '-c', 'X="a   b"; echo $X; echo "$X"'], out: 'a b\na   b\n', status: 0 },
      { argv: ['sh', '-c', 'echo $0 $1 $#', 'name', 'first'], out: 'name first 1\n', status: 0 },
      { argv: ['sh', '-c', 'printf "%s-%03d\\n" a 5 b 6'], out: 'a-005\nb-006\n', status: 0 },
      { argv: ['printf', '%5.1f|%-3s|%x\\n', '3.14159', 'ab', '255'], out: '  3.1|ab |ff\n', status: 0 },
      { argv: ['sh', '-c', 'cat /etc/hostname'], out: 'web-0\n', status: 0 },
      { argv: ['sh', '-c', 'cat < /etc/hostname'], out: 'web-0\n', status: 0 },
      { argv: ['cat', '/var/run/secrets/kubernetes.io/serviceaccount/namespace'], out: 'shop', status: 0 },
      { argv: ['sh', '-c', 'echo hidden > /dev/null; echo shown'], out: 'shown\n', status: 0 },
      { argv: ['sh', '-c', 'cd /etc && pwd; pwd'], out: '/etc\n/etc\n', status: 0 },
      { argv: ['hostname'], out: 'web-0\n', status: 0 },
      { argv: ['whoami'], out: 'root\n', status: 0 },
      { argv: ['uname', '-sr'], out: 'Linux 6.6.0-podapi-sandbox\n', status: 0 },
      { argv: ['ls', '/var/run/secrets/kubernetes.io/serviceaccount'], out: 'namespace\n', status: 0 },
      { argv: ['sh', '-ec', 'false; echo not reached'], out: '', status: 1 },
      { argv: ['sh', '-c', 'sh -c "exit 5"; echo inner=$?'], out: 'inner=5\n', status: 0 },
      { argv: ['true'], out: '', status: 0 },
      { argv: ['false'], out: '', status: 1 },
    ])('$argv → $status', async ({ argv, out, status }) => {
      const result = await run(argv);
      expect(result.out).toBe(out);
      expect(result.status).toBe(status);
    });
  });

  describe('reports errors as the shell and busybox word them', () => {
    it.each([
      { argv: ['sh', '-c', 'foo'], err: 'sh: foo: not found\n', status: 127 },
      { argv: ['bash', '-c', 'foo'], err: 'bash: foo: command not found\n', status: 127 },
      { argv: ['sh', '-c', '/etc/hostname'], err: 'sh: /etc/hostname: Permission denied\n', status: 126 },
      { argv: ['cat', '/nope'], err: "cat: can't open '/nope': No such file or directory\n", status: 1 },
      { argv: ['sh', '-c', 'echo hi > /tmp/x'], err: "sh: can't create /tmp/x: Read-only file system\n", status: 1 },
      { argv: ['sh', '-c', 'echo hi >&2'], err: 'hi\n', status: 0 },
      { argv: ['sh', '-c', 'nosuch 2>&1'], err: '', status: 127 },
      { argv: ['sh', '-c', 'echo a | cat'], err: 'sh: pipelines are not supported by the sandbox shell\n', status: 2 },
      { argv: ['sh', '-c', "echo 'open"], err: 'sh: syntax error: unterminated quoted string\n', status: 2 },
      {
        argv: ['sh', '-c', 'echo $(id)'],
        err: 'sh: command substitution is not supported by the sandbox shell\n',
        status: 2,
      },
      { argv: ['sh', '-c', 'exit abc'], err: 'sh: exit: Illegal number: abc\n', status: 2 },
      { argv: ['sh', '-c', 'cd /nope'], err: "sh: cd: can't cd to /nope: No such file or directory\n", status: 2 },
      { argv: ['sh', '-c'], err: 'sh: -c: option requires an argument\n', status: 2 },
      { argv: ['sleep', 'soon'], err: "sleep: invalid number 'soon'\n", status: 1 },
      { argv: ['printf', '%d\\n', 'abc'], err: "printf: invalid number 'abc'\n", status: 1 },
    ])('$argv → $status with its message', async ({ argv, err, status }) => {
      const result = await run(argv);
      expect(result.err).toBe(err);
      expect(result.status).toBe(status);
    });

    it('sends a redirected error to stdout with 2>&1', async () => {
      expect(await run(['sh', '-c', 'nosuch 2>&1'])).toEqual({ status: 127, out: 'sh: nosuch: not found\n', err: '' });
    });
  });

  describe('fails to start what the image does not have, as runc words it', () => {
    it.each([
      {
        argv: ['foo'],
        message: 'exec failed: unable to start container process: exec: "foo": executable file not found in $PATH',
      },
      // A shell builtin is not a program: exec cannot start it.
      {
        argv: ['exit', '3'],
        message: 'exec failed: unable to start container process: exec: "exit": executable file not found in $PATH',
      },
      {
        argv: ['/bin/zsh'],
        message:
          'exec failed: unable to start container process: exec: "/bin/zsh": stat /bin/zsh: no such file or directory',
      },
      {
        argv: ['/etc/hostname'],
        message: 'exec failed: unable to start container process: exec: "/etc/hostname": permission denied',
      },
      { argv: [], message: 'args must not be empty' },
    ])('$argv', async ({ argv, message }) => {
      const { shell } = shellWith();
      await expect(shell.exec(argv)).rejects.toEqual(new ExecStartError(message));
    });
  });

  describe('environment and files', () => {
    it('prints the process environment: PATH, HOSTNAME, the container env, the kubernetes service links, HOME', async () => {
      const { out } = await run(['env']);
      const names = out
        .trimEnd()
        .split('\n')
        .map((line) => line.slice(0, line.indexOf('=')));
      expect(names[0]).toBe('PATH');
      expect(out).toContain('HOSTNAME=web-0\n');
      expect(out).toContain('GREETING=hello world\n');
      expect(out).toContain('KUBERNETES_SERVICE_HOST=10.96.0.1\n');
      expect(names[names.length - 1]).toBe('HOME');
      expect(out).not.toContain('TERM=');
    });

    it('sets TERM for a TTY, as containerd does', async () => {
      const { shell, io } = shellWith({ tty: true });
      await shell.exec(['env']);
      expect(io.out).toContain('TERM=xterm\n');
    });

    it('passes assignments before a command into its environment only', async () => {
      const { out } = await run(['sh', '-c', 'FOO=bar env; echo "after=$FOO"']);
      expect(out).toContain('FOO=bar\n');
      expect(out).toMatch(/after=\n$/);
    });

    it('lists the programs of the image in /bin', async () => {
      const { out } = await run(['ls', '/bin']);
      expect(out.split('\n')).toEqual(expect.arrayContaining(['cat', 'echo', 'sh', 'bash', 'yes', 'size']));
    });
  });

  describe('standard input', () => {
    it('cat copies stdin until it closes', async () => {
      expect(await run(['cat'], { stdin: 'abc\ndef' })).toEqual({ status: 0, out: 'abc\ndef', err: '' });
    });

    it('a shell without -c reads its commands from stdin, without a prompt when stdin is no terminal', async () => {
      expect(await run(['sh'], { stdin: 'echo hi\nfalse\n' })).toEqual({ status: 1, out: 'hi\n', err: '' });
    });

    it('a command run by that shell reads the rest of stdin', async () => {
      expect(await run(['sh'], { stdin: 'cat\nthe rest\n' })).toEqual({ status: 0, out: 'the rest\n', err: '' });
    });

    it('exit ends the shell with its status', async () => {
      expect(await run(['sh'], { stdin: 'echo a\nexit 4\necho b\n' })).toEqual({ status: 4, out: 'a\n', err: '' });
    });

    it('a shell with no stdin at all ends at once', async () => {
      expect(await run(['sh'])).toEqual({ status: 0, out: '', err: '' });
    });
  });

  describe('on a terminal', () => {
    it('prompts like busybox sh, and bash like bash', async () => {
      const sh = shellWith({ tty: true, stdin: 'cd /etc\n' });
      await sh.shell.exec(['sh']);
      expect(sh.io.screen).toBe('/ # /etc # ');

      const bash = shellWith({ tty: true, stdin: 'echo hi\n' });
      await bash.shell.exec(['/bin/bash']);
      expect(bash.io.screen).toBe('root@web-0:/# hi\nroot@web-0:/# exit\n');
    });

    it('an end-of-file mark (^D) ends cat but not the shell that ran it', async () => {
      const { shell, io } = shellWith({ tty: true, closeStdin: false });
      io.input.push('cat\n');
      io.input.push('typed\n');
      io.input.pushEndOfFile();
      io.input.push('echo after $?\n');
      io.input.pushEndOfFile();
      expect(await shell.exec(['sh'])).toBe(0);
      expect(io.out).toBe('typed\nafter 0\n');
    });

    it('size prints "<rows> <cols>" of the last resize, 0 0 before any', async () => {
      const { shell, io } = shellWith();
      await shell.exec(['size']);
      io.size = { width: 120, height: 40 };
      await shell.exec(['size']);
      expect(io.out).toBe('0 0\n40 120\n');
    });
  });

  describe('interrupts and kills', () => {
    it('^C stops yes with status 130', async () => {
      const { shell, io } = shellWith({ tty: true });
      io.onWrite = (count) => {
        if (count === 3) shell.interrupt();
      };
      expect(await shell.exec(['yes', 'spam'])).toBe(130);
      expect(io.out.startsWith('spam\nspam\n')).toBe(true);
      expect(io.out.length).toBeGreaterThanOrEqual(3 * 8000);
    });

    it('^C stops a sleep in an interactive shell, which carries on with $? = 130', async () => {
      const { shell, io } = shellWith({ tty: true, closeStdin: false });
      io.blockSleeps = true;
      io.input.push('sleep 100; echo never\n');
      const status = shell.exec(['sh']);
      await eventually(() => expect(io.sleeps).toContain(100_000));
      shell.interrupt();
      io.input.push('echo status=$?\n');
      io.input.close();
      expect(await status).toBe(0);
      expect(io.screen).toBe('/ # \n/ # status=130\n/ # ');
    });

    it('^C at the prompt abandons the line and prompts again', async () => {
      const { shell, io } = shellWith({ tty: true, closeStdin: false });
      const status = shell.exec(['sh']);
      await eventually(() => expect(io.screen).toBe('/ # '));
      shell.interrupt();
      io.input.close();
      expect(await status).toBe(130);
      expect(io.screen).toBe('/ # \n/ # ');
    });

    it('kill ends the process with the given status', async () => {
      const { shell, io } = shellWith();
      io.blockSleeps = true;
      const status = shell.exec(['sh', '-c', 'sleep 5; echo never']);
      await eventually(() => expect(io.sleeps).toContain(5000));
      shell.kill(137);
      expect(await status).toBe(137);
      expect(io.out).toBe('');
    });
  });
});

/** Retries `assertion` on the next turns of the event loop until it passes or 2 s have gone by. */
