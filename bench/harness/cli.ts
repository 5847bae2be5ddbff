/** What every benchmark does with its command line and its exit code. */
import os from 'node:os';
import { basename } from 'node:path';

/**
 * The bench's arguments, where `--cpu-prof` alone (no directory after it) is given the temp folder: parseArgs wants
 * a value for an option that takes one.
 */
export function benchArgs(): string[] {
  return process.argv
    .slice(2)
    .flatMap((arg, i, all) =>
      arg === '--cpu-prof' && (i === all.length - 1 || all[i + 1].startsWith('--')) ? [arg, os.tmpdir()] : [arg],
    );
}

/** The command that ran the bench, as the results record it. */
export function benchCommand(): string {
  return `node --no-warnings bench/${basename(process.argv[1])} ${process.argv.slice(2).join(' ')}`.trim();
}

/** Runs the bench and exits with its code: 0 every target met, 1 a target missed, 2 the bench itself failed. */
export function runBench(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(2);
    },
  );
}
