import { execFile as execFileCallback, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const execFile = promisify(execFileCallback);

/** Where Debian puts the PostgreSQL server binaries (the `postgresql-<v>` packages). */
const DEBIAN_POSTGRES_ROOT = '/usr/lib/postgresql';

/** A throwaway PostgreSQL server for one test run. */
export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`: the superuser, trusted on the loopback address only. */
  url: string;
  stop(): Promise<void>;
}

/** The newest `/usr/lib/postgresql/<v>/bin` holding `initdb` and `pg_ctl`, or undefined when none is installed. */
export function findPostgresBinaries(): string | undefined {
  if (!existsSync(DEBIAN_POSTGRES_ROOT)) return undefined;
  const versions = readdirSync(DEBIAN_POSTGRES_ROOT)
    .filter((entry) => /^\d+$/.test(entry))
    .sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = join(DEBIAN_POSTGRES_ROOT, version, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return undefined;
}

/**
 * Starts a PostgreSQL server in a new temp directory on a free loopback port, with trust authentication on
 * 127.0.0.1 only and durability switched off (a test server loses nothing it needs on a crash).
 * PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user (`runuser`), owning its directory.
 */
export async function startPostgres(bin = findPostgresBinaries()): Promise<TestPostgres> {
  if (!bin) throw new Error(`no PostgreSQL server binaries under ${DEBIAN_POSTGRES_ROOT}/<version>/bin`);
  const dir = mkdtempSync(join(tmpdir(), 'pod-api-pg-'));
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const run = (program: string, args: string[]) => runAs(owner, join(bin, program), args, dir);
  try {
    await run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
    writeFileSync(join(data, 'pg_hba.conf'), 'host all all 127.0.0.1/32 trust\n');
    appendFileSync(
      join(data, 'postgresql.conf'),
      [
        '',
        '# pod-api test server',
        `listen_addresses = '127.0.0.1'`,
        `unix_socket_directories = '${dir}'`,
        'max_connections = 300',
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        '',
      ].join('\n'),
    );
    const port = await startOnFreePort((port) => {
      appendFileSync(join(data, 'postgresql.conf'), `port = ${port}\n`); // the last setting of a name wins
      return run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
    });
    let stopped = false;
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        try {
          await run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    const log = join(dir, 'server.log');
    const serverLog = existsSync(log) ? `\n${readFileSync(log, 'utf8')}` : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start the test PostgreSQL server: ${messageOf(error)}${serverLog}`, { cause: error });
  }
}

/** A database for one spec (or one test): its URL, and a `drop()` that removes it with any open connections. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** One dialect the repository specs run on; `create()` gives a fresh, empty database each time. */
export interface TestDatabaseTarget {
  dialect: 'sqlite' | 'postgres';
  create(): Promise<TestDatabase>;
}

/**
 * The dialects to run a store spec on: SQLite in memory always, and PostgreSQL when `TEST_DATABASE_URL` names a
 * server (the jest global setup starts one per run). Use as `describe.each(testDatabaseTargets())('on $dialect', …)`.
 * Each PostgreSQL database is new and uniquely named, so parallel jest workers never share one.
 */
export function testDatabaseTargets(serverUrl = process.env.TEST_DATABASE_URL): TestDatabaseTarget[] {
  const targets: TestDatabaseTarget[] = [
    { dialect: 'sqlite', create: () => Promise.resolve({ url: 'sqlite::memory:', drop: () => Promise.resolve() }) },
  ];
  if (serverUrl && /^postgres(ql)?:\/\//.test(serverUrl)) {
    targets.push({ dialect: 'postgres', create: () => createPostgresDatabase(serverUrl) });
  }
  return targets;
}

/**
 * Creates `pod_api_test_<random>` on the server and returns its URL. Its default collation is a linguistic one that
 * ignores punctuation (ICU `en-US-u-ka-shifted`, as glibc's `en_US.UTF-8` does), so a spec notices SQL whose order
 * depends on the server's locale: the store's own columns are byte-ordered. A server without ICU gets its default.
 */
export async function createPostgresDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `pod_api_test_${randomBytes(6).toString('hex')}`;
  await withClient(serverUrl, async (client) => {
    try {
      await client.query(
        `create database ${name} template template0 encoding 'UTF8' locale 'C.UTF-8' ` +
          `locale_provider icu icu_locale 'en-US-u-ka-shifted'`,
      );
    } catch {
      await client.query(`create database ${name}`);
    }
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await withClient(serverUrl, (client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}

async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

function postgresUser(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error('running as root, but there is no `postgres` user to run the PostgreSQL server as');
  }
}

async function runAs(owner: { uid: number } | undefined, program: string, args: string[], cwd: string): Promise<void> {
  // The server's own cwd must be readable by its user: the repository checkout may not be.
  const [command, argv] = owner ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
  try {
    await execFile(command, argv, { cwd, env: { PATH: process.env.PATH, LANG: 'C.UTF-8' }, timeout: 90_000 });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`${program.split('/').pop()} ${args.at(-1)} failed: ${stderr?.trim() || messageOf(error)}`, {
      cause: error,
    });
  }
}

/** The port found free may be taken before the server binds it (another run starting at once): try another. */
async function startOnFreePort(start: (port: number) => Promise<void>, attempts = 3): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      await start(port);
      return port;
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
