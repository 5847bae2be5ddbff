import { resolve } from 'node:path';
import { CliUsageError, parseCliArgs, USAGE } from './cli/cli-args.js';
import { FAST_TIMINGS, SandboxServer } from './sandbox-server.js';
import { readSeedFile } from './seed/seed-objects.js';

/**
 * The standalone simulator: `npm run sandbox -- --kubeconfig <file> [--port <p>] [--pods <n>] [--seed <file.json>] [--tls]`.
 * Starts on 127.0.0.1, writes the kubeconfig, prints one JSON line when ready, stops cleanly on SIGTERM/SIGINT.
 */
async function main(argv: readonly string[]): Promise<void> {
  const started = performance.now();
  const options = parseCliArgs(argv);
  const seed =
    options.seed === 'demo' || options.seed === 'empty' ? options.seed : await readSeedFile(resolve(options.seed));
  const server = await SandboxServer.start({
    ...options.server,
    seed,
    ...(options.fast ? { timings: FAST_TIMINGS } : {}),
  });
  const kubeconfig = resolve(options.kubeconfig);
  await server.writeKubeconfig(kubeconfig);
  const stop = (signal: string) => {
    void server.stop().then(() => {
      process.stdout.write(`${JSON.stringify({ event: 'sandbox.stopped', signal })}\n`);
      process.exit(0);
    });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  const ready = {
    event: 'sandbox.ready',
    url: server.url,
    kubeconfig,
    namespaces: server.cluster.collection('namespaces').size,
    nodes: server.cluster.collection('nodes').size,
    pods: server.cluster.collection('pods').size,
    ...(options.server.churn ? { churn: options.server.churn } : {}),
    startupMs: Math.round(performance.now() - started),
    rssMiB: Math.round(process.memoryUsage().rss / 1048576),
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  if (!options.server.tls) {
    process.stderr.write(
      'note: kubectl sends its token only over HTTPS; start with --tls to use kubectl (client-node and curl work over HTTP)\n',
    );
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CliUsageError) {
    process.stderr.write(`${error.message ? `${error.message}\n` : ''}${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `${JSON.stringify({ event: 'sandbox.failed', message: error instanceof Error ? error.message : String(error) })}\n`,
  );
  process.exit(1);
});
