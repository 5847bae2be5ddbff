import { MAX_CHURN_PER_SECOND } from '../churn/pod-churn.js';
import type { SandboxOptions } from '../sandbox-server.js';

export interface CliOptions {
  kubeconfig: string;
  /** `demo`, `empty`, or a JSON file of Kubernetes objects. */
  seed: string;
  fast: boolean;
  server: Omit<SandboxOptions, 'seed'>;
}

export const USAGE = `usage: npm run sandbox -- --kubeconfig <file> [--port <p>] [--host <addr>] [--tls] [--pods <n>]
                          [--seed demo|empty|<file.json>] [--token <t>] [--read-only-token <t>]
                          [--read-only-user <name>]... [--read-only-group <name>]... [--live <n>]
                          [--log-lines <n>] [--churn <changes per second> [--churn-seed <n>]] [--fast]`;

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** Parses the standalone command's arguments (`--name value` or `--name=value`). */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  const FLAGS = new Set(['tls', 'fast', 'help']);
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (!argument.startsWith('--')) throw new CliUsageError(`unexpected argument: ${argument}`);
    const [name, inline] = argument.slice(2).split(/=(.*)/s, 2);
    if (FLAGS.has(name)) {
      flags.add(name);
      continue;
    }
    const value = inline ?? argv[++index];
    if (value === undefined) throw new CliUsageError(`--${name} needs a value`);
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  if (flags.has('help')) throw new CliUsageError('');
  const known = new Set([
    'kubeconfig',
    'port',
    'host',
    'pods',
    'seed',
    'token',
    'read-only-token',
    'read-only-user',
    'read-only-group',
    'live',
    'log-lines',
    'churn',
    'churn-seed',
  ]);
  for (const name of values.keys()) if (!known.has(name)) throw new CliUsageError(`unknown option: --${name}`);
  const one = (name: string) => values.get(name)?.at(-1);
  const integer = (name: string, min: number, max: number): number | undefined => {
    const raw = one(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max)
      throw new CliUsageError(`--${name} must be an integer from ${min} to ${max}`);
    return value;
  };
  const kubeconfig = one('kubeconfig');
  if (!kubeconfig) throw new CliUsageError('--kubeconfig <file> is required');
  const server: Omit<SandboxOptions, 'seed'> = {
    host: one('host') ?? '127.0.0.1',
    port: integer('port', 0, 65535) ?? 0,
    tls: flags.has('tls'),
  };
  const pods = integer('pods', 0, 1_000_000);
  if (pods !== undefined) server.pods = pods;
  const live = integer('live', 0, 100_000);
  if (live !== undefined) server.liveLimit = live;
  const logLines = integer('log-lines', 1, 10_000_000);
  if (logLines !== undefined) server.logLinesPerInstance = logLines;
  const churn = churnOptions(one('churn'), integer('churn-seed', 0, 0xffffffff), pods);
  if (churn) server.churn = churn;
  if (one('token')) server.token = one('token');
  if (one('read-only-token')) server.readOnlyToken = one('read-only-token');
  if (values.has('read-only-user')) server.readOnlyUsers = values.get('read-only-user');
  if (values.has('read-only-group')) server.readOnlyGroups = values.get('read-only-group');
  return { kubeconfig, seed: one('seed') ?? 'demo', fast: flags.has('fast'), server };
}

function churnOptions(
  rate: string | undefined,
  seed: number | undefined,
  pods: number | undefined,
): SandboxOptions['churn'] {
  if (rate === undefined) {
    if (seed !== undefined) throw new CliUsageError('--churn-seed needs --churn <changes per second>');
    return undefined;
  }
  const perSecond = rate.trim() === '' ? NaN : Number(rate);
  if (!(perSecond >= 0 && perSecond <= MAX_CHURN_PER_SECOND))
    throw new CliUsageError(`--churn must be a number of changes per second from 0 to ${MAX_CHURN_PER_SECOND}`);
  if (!pods) throw new CliUsageError('--churn needs --pods <n>: it changes the generated pods');
  return { perSecond, seed: seed ?? 1 };
}
