/**
 * What a container of a well-known image writes to its log: a few start-up lines, periodic lines while it serves,
 * and its last words before it exits. Invented but shaped like the real images' output, so that a log viewer shows
 * something believable.
 */
export interface LogContext {
  pod: string;
  container: string;
  podIP: string;
}

export interface ImageLogs {
  start(at: Date, context: LogContext): string[];
  /** The `tick`-th periodic line, when the image logs while it runs. */
  periodic?(tick: number, at: Date, context: LogContext): string;
  /** Lines written just before the container exits with `exitCode`. */
  exit(exitCode: number, at: Date, context: LogContext): string[];
}

const PATHS = ['/', '/healthz', '/api/v1/orders', '/api/v1/cart', '/static/app.js', '/api/v1/users/42', '/metrics'];
const CLIENTS = ['10.244.0.1', '10.244.1.7', '10.244.2.13', '10.244.0.25'];

const nginx: ImageLogs = {
  start: (at) => [
    '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
    '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
    '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
    '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
    '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
    '/docker-entrypoint.sh: Configuration complete; ready for start up',
    `${nginxTime(at)} [notice] 1#1: using the "epoll" event method`,
    `${nginxTime(at)} [notice] 1#1: nginx/1.27.3`,
    `${nginxTime(at)} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14)`,
    `${nginxTime(at)} [notice] 1#1: OS: Linux 6.6.0-podapi-sandbox`,
    `${nginxTime(at)} [notice] 1#1: start worker processes`,
    `${nginxTime(at)} [notice] 1#1: start worker process 29`,
  ],
  periodic: (tick, at) => {
    const path = PATHS[tick % PATHS.length];
    const status = tick % 17 === 16 ? 404 : 200;
    const size = path === '/healthz' ? 2 : 612 + ((tick * 37) % 900);
    const agent = path === '/healthz' ? 'kube-probe/1.35' : 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36';
    return `${CLIENTS[tick % CLIENTS.length]} - - [${accessTime(at)}] "GET ${path} HTTP/1.1" ${status} ${size} "-" "${agent}" "-"`;
  },
  exit: (exitCode, at) =>
    exitCode === 0
      ? [
          `${nginxTime(at)} [notice] 1#1: signal 3 (SIGQUIT) received, shutting down`,
          `${nginxTime(at)} [notice] 1#1: exit`,
        ]
      : [
          `${nginxTime(at)} [emerg] 1#1: host not found in upstream "backend:8080" in /etc/nginx/conf.d/default.conf:14`,
        ],
};

const redis: ImageLogs = {
  start: (at) => [
    `1:C ${redisTime(at)} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo`,
    `1:C ${redisTime(at)} * Redis version=7.4.1, bits=64, commit=00000000, modified=0, pid=1, just started`,
    `1:C ${redisTime(at)} # Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf`,
    `1:M ${redisTime(at)} * monotonic clock: POSIX clock_gettime`,
    `1:M ${redisTime(at)} * Running mode=standalone, port=6379.`,
    `1:M ${redisTime(at)} * Server initialized`,
    `1:M ${redisTime(at)} * Ready to accept connections tcp`,
  ],
  periodic: (tick, at) => `1:M ${redisTime(at)} * ${10 + (tick % 90)} changes in 300 seconds. Saving...`,
  exit: (exitCode, at) =>
    exitCode === 0
      ? [
          `1:signal-handler (${Math.floor(at.getTime() / 1000)}) Received SIGTERM scheduling shutdown...`,
          `1:M ${redisTime(at)} # Redis is now ready to exit, bye bye...`,
        ]
      : [`1:M ${redisTime(at)} # Fatal error loading the DB, check server logs. Exiting.`],
};

const postgres: ImageLogs = {
  start: (at) => [
    '',
    'PostgreSQL Database directory appears to contain a database; Skipping initialization',
    '',
    `${pgTime(at)} [1] LOG:  starting PostgreSQL 16.4 (Debian 16.4-1.pgdg120+2) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit`,
    `${pgTime(at)} [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432`,
    `${pgTime(at)} [1] LOG:  listening on Unix socket "/var/run/postgresql/.s.PGSQL.5432"`,
    `${pgTime(at)} [29] LOG:  database system was shut down at ${pgTime(new Date(at.getTime() - 3_600_000))}`,
    `${pgTime(at)} [1] LOG:  database system is ready to accept connections`,
  ],
  periodic: (tick, at) =>
    `${pgTime(at)} [27] LOG:  checkpoint complete: wrote ${3 + (tick % 40)} buffers (0.0%); 0 WAL file(s) added, 0 removed, 0 recycled`,
  exit: (exitCode, at) =>
    exitCode === 0
      ? [
          `${pgTime(at)} [1] LOG:  received fast shutdown request`,
          `${pgTime(at)} [1] LOG:  database system is shut down`,
        ]
      : [`${pgTime(at)} [1] FATAL:  could not write lock file "postmaster.pid": No space left on device`],
};

const batch: ImageLogs = {
  start: (at, { pod }) => [
    `${at.toISOString()} starting ${pod}`,
    'Fetching work items...',
    'Processing batch 1/3',
    'Processing batch 2/3',
    'Processing batch 3/3',
  ],
  exit: (exitCode) =>
    exitCode === 0 ? ['Done: 3 batches, 1500 records processed.'] : [`Error: batch 3 failed: exit status ${exitCode}`],
};

const app: ImageLogs = {
  start: (at, { container }) => [
    json(at, 'info', 'starting service', { service: container, version: 'v2.4.1' }),
    json(at, 'info', 'loaded configuration', { source: '/etc/app/config.yaml', profile: 'production' }),
    json(at, 'info', 'connected to database', { host: 'postgres.shop.svc.cluster.local:5432', pool: 10 }),
    json(at, 'info', 'listening', { addr: ':8080' }),
  ],
  periodic: (tick, at) => {
    const path = PATHS[(tick + 2) % PATHS.length];
    const status = tick % 23 === 22 ? 500 : 200;
    return json(at, status === 500 ? 'error' : 'info', 'request', {
      method: 'GET',
      path,
      status,
      duration_ms: 3 + ((tick * 7) % 120),
    });
  },
  exit: (exitCode, at) =>
    exitCode === 0
      ? [json(at, 'info', 'shutting down', { reason: 'SIGTERM' })]
      : [
          json(at, 'error', 'failed to connect to database', {
            host: 'postgres.shop.svc.cluster.local:5432',
            error: 'dial tcp 10.96.112.40:5432: connect: connection refused',
          }),
          'panic: failed to connect to database: dial tcp 10.96.112.40:5432: connect: connection refused',
          '',
          'goroutine 1 [running]:',
          'main.main()',
          '\t/src/cmd/server/main.go:58 +0x2a5',
        ],
};

const sidecar: ImageLogs = {
  start: (at) => [
    `${at.toISOString()} [info] log shipper starting`,
    `${at.toISOString()} [info] tailing /var/log/app/*.log`,
  ],
  periodic: (tick, at) => `${at.toISOString()} [info] shipped ${20 + (tick % 80)} records to logs.monitoring.svc:24224`,
  exit: (_exitCode, at) => [`${at.toISOString()} [info] flushing buffers and exiting`],
};

const init: ImageLogs = {
  start: (_at, { container }) => [
    `${container}: waiting for dependencies...`,
    `${container}: postgres.shop.svc.cluster.local:5432 is available`,
  ],
  exit: (exitCode, _at, { container }) =>
    exitCode === 0 ? [`${container}: done`] : [`${container}: giving up after 30 attempts`],
};

/** The log profile of an image, by its name. */
export function imageLogs(image: string, options: { init: boolean; sidecar: boolean }): ImageLogs {
  const name = image.toLowerCase().split('@')[0].split('/').pop() ?? '';
  const repository = name.split(':')[0];
  if (repository.includes('nginx')) return nginx;
  if (repository.includes('redis') || repository.includes('valkey')) return redis;
  if (repository.includes('postgres')) return postgres;
  if (options.sidecar || repository.includes('fluent') || repository.includes('vector') || repository.includes('envoy'))
    return sidecar;
  if (options.init) return init;
  if (
    repository.includes('busybox') ||
    repository.includes('job') ||
    repository.includes('batch') ||
    repository.includes('alpine')
  )
    return batch;
  return app;
}

function json(at: Date, level: string, msg: string, fields: Record<string, unknown>): string {
  return JSON.stringify({ level, ts: at.toISOString(), msg, ...fields });
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function nginxTime(at: Date): string {
  return `${at.getUTCFullYear()}/${pad(at.getUTCMonth() + 1)}/${pad(at.getUTCDate())} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}`;
}

function accessTime(at: Date): string {
  return `${pad(at.getUTCDate())}/${MONTHS[at.getUTCMonth()]}/${at.getUTCFullYear()}:${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} +0000`;
}

function redisTime(at: Date): string {
  return `${pad(at.getUTCDate())} ${MONTHS[at.getUTCMonth()]} ${at.getUTCFullYear()} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}.${pad(at.getUTCMilliseconds(), 3)}`;
}

function pgTime(at: Date): string {
  return `${at.toISOString().replace('T', ' ').slice(0, 23)} UTC`;
}
