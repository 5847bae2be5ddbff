import { CliUsageError, parseCliArgs } from './cli-args.js';

describe(parseCliArgs.name, () => {
  it('reads the documented options', () => {
    expect(
      parseCliArgs([
        '--port',
        '6443',
        '--kubeconfig',
        'kc.yaml',
        '--pods=1000',
        '--seed',
        'seed.json',
        '--tls',
        '--read-only-user',
        'alice',
        '--read-only-user',
        'bob',
        '--log-lines',
        '250000',
      ]),
    ).toEqual({
      kubeconfig: 'kc.yaml',
      seed: 'seed.json',
      fast: false,
      server: {
        host: '127.0.0.1',
        port: 6443,
        tls: true,
        pods: 1000,
        readOnlyUsers: ['alice', 'bob'],
        logLinesPerInstance: 250000,
      },
    });
  });

  it('defaults to a free port, the demo seed and plain HTTP', () => {
    expect(parseCliArgs(['--kubeconfig', 'kc.yaml'])).toEqual({
      kubeconfig: 'kc.yaml',
      seed: 'demo',
      fast: false,
      server: { host: '127.0.0.1', port: 0, tls: false },
    });
  });

  it.each([
    [['--pods', '200', '--churn', '1000'], { perSecond: 1000, seed: 1 }],
    [['--pods=200', '--churn=0.5', '--churn-seed=7'], { perSecond: 0.5, seed: 7 }],
    [['--pods', '200', '--churn', '0', '--churn-seed', '4294967295'], { perSecond: 0, seed: 4294967295 }],
  ])('reads the churn of %j, seeded with 1 unless told', (argv, churn) => {
    expect(parseCliArgs(['--kubeconfig', 'kc.yaml', ...argv]).server.churn).toEqual(churn);
  });

  it.each([
    [[], '--kubeconfig <file> is required'],
    [['--kubeconfig', 'x', '--churn', '100'], '--churn needs --pods <n>: it changes the generated pods'],
    [['--kubeconfig', 'x', '--pods', '0', '--churn', '100'], '--churn needs --pods <n>: it changes the generated pods'],
    ...['-1', '100001', 'fast', '', 'Infinity'].map((rate): [string[], string] => [
      ['--kubeconfig', 'x', '--pods', '10', '--churn', rate],
      '--churn must be a number of changes per second from 0 to 100000',
    ]),
    [['--kubeconfig', 'x', '--pods', '10', '--churn-seed', '3'], '--churn-seed needs --churn <changes per second>'],
    [
      ['--kubeconfig', 'x', '--pods', '10', '--churn', '5', '--churn-seed', '1.5'],
      '--churn-seed must be an integer from 0 to 4294967295',
    ],
    [['--kubeconfig', 'x', '--port', 'http'], '--port must be an integer from 0 to 65535'],
    [['--kubeconfig', 'x', '--pods', '-1'], '--pods must be an integer from 0 to 1000000'],
    [['--kubeconfig', 'x', '--log-lines', '0'], '--log-lines must be an integer from 1 to 10000000'],
    [['--kubeconfig', 'x', '--colour', 'red'], 'unknown option: --colour'],
    [['--kubeconfig'], '--kubeconfig needs a value'],
    [['serve'], 'unexpected argument: serve'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(new CliUsageError(message));
  });
});
