/**
 * The ceiling of the log relay's measure (issue 17, `logs.bench.ts`): what one WebSocket message per line costs the
 * client alone. A server that costs nothing — its bytes built beforehand, written in 16 KiB chunks, in a process of
 * its own — sends `--lines` lines of 100 bytes (a) as HTTP, which the client reads as logs.bench.ts reads the
 * simulator (newlines counted as the bytes arrive), and (b) as one WebSocket text frame per line, each the `log`
 * message the service sends, which the client reads as logs.bench.ts reads the service (ws, `log` messages counted
 * without parsing them). The ratio (b) ÷ (a) is the most any relay can reach in that measure on this machine.
 *
 *   node --no-warnings bench/ws-ceiling.bench.ts [--lines 2000000] [--rounds 5]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { parseArgs } from 'node:util';
import WebSocket, { WebSocketServer } from 'ws';
import { benchArgs, benchCommand, runBench } from './harness/cli.ts';
import { loadAverages, machineAtStart } from './harness/machine.ts';
import { progress, range } from './harness/output.ts';

type Kind = 'http' | 'ws';

const { values: args } = parseArgs({
  args: benchArgs(),
  options: {
    lines: { type: 'string', default: '2000000' },
    rounds: { type: 'string', default: '5' },
    serve: { type: 'string' },
  },
});
const LINES = Number(args.lines);
const ROUNDS = Number(args.rounds);
const CHUNK_BYTES = 16 * 1024;

/** The line as the simulator writes it (99 bytes and a newline), or the `log` message the service makes of it. */
function unitOf(kind: Kind): Buffer {
  const line = 'x'.repeat(99);
  if (kind === 'http') return Buffer.from(`${line}\n`);
  const payload = Buffer.from(`{"type":"log","data":${JSON.stringify(line)}}`);
  // A final text frame, unmasked (server to client), its length in the header's 7 bits (RFC 6455 §5.2).
  if (payload.length >= 126) throw new Error('a log message of this line needs an extended length');
  return Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
}

/** The server side: `--serve http|ws`, listening on a free port it tells its parent. */
function serve(kind: Kind): void {
  const unit = unitOf(kind);
  const perChunk = Math.floor(CHUNK_BYTES / unit.length);
  const chunk = Buffer.concat(Array.from({ length: perChunk }, () => unit));
  const pump = (write: (chunk: Buffer) => boolean, drained: Duplex | NodeJS.WritableStream, end?: () => void) => {
    let sent = 0;
    const next = () => {
      while (sent < LINES) {
        const lines = Math.min(perChunk, LINES - sent);
        sent += lines;
        if (!write(lines === perChunk ? chunk : chunk.subarray(0, lines * unit.length))) {
          drained.once('drain', next);
          return;
        }
      }
      end?.();
    };
    next();
  };
  const server = createServer((_request, response) =>
    pump(
      (c) => response.write(c),
      response,
      () => response.end(),
    ),
  );
  if (kind === 'ws') {
    new WebSocketServer({ server, perMessageDeflate: false }).on('connection', (_socket, request) =>
      pump((c) => request.socket.write(c), request.socket),
    );
  }
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
}

interface Read {
  linesPerSecond: number;
  clientCpuUsPerLine: number;
}

async function read(kind: Kind): Promise<Read> {
  const server: ChildProcess = fork(process.argv[1], ['--serve', kind, '--lines', String(LINES)], {
    execArgv: ['--no-warnings'],
  });
  try {
    const [port] = (await once(server, 'message')) as [number];
    const cpu = process.cpuUsage();
    const started = performance.now();
    const lines = await (kind === 'http' ? countHttpLines(port) : countLogMessages(port));
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    if (lines !== LINES) throw new Error(`${kind}: ${lines} lines read, ${LINES} sent`);
    return { linesPerSecond: (lines / ms) * 1000, clientCpuUsPerLine: (used.user + used.system) / lines };
  } finally {
    server.kill();
  }
}

function countHttpLines(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    get(`http://127.0.0.1:${port}/`, (response) => {
      let lines = 0;
      response.on('data', (data: Buffer) => {
        for (let at = data.indexOf(10); at !== -1; at = data.indexOf(10, at + 1)) lines++;
      });
      response.on('end', () => resolve(lines));
    }).on('error', reject);
  });
}

function countLogMessages(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
    let lines = 0;
    socket.on('message', (data: Buffer) => {
      // `{"type":"log",…`, as logs.bench.ts tells a log message from the others.
      if (data.length > 13 && data[9] === 0x6c && data[10] === 0x6f && data[11] === 0x67) lines++;
      if (lines === LINES) {
        socket.terminate();
        resolve(lines);
      }
    });
    socket.on('error', reject);
  });
}

async function main(): Promise<number> {
  if (args.serve !== undefined) {
    serve(args.serve as Kind);
    return new Promise(() => undefined); // serves until its parent stops it
  }
  const machine = machineAtStart();
  const rounds: { http: Read; ws: Read }[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const http = await read('http');
    const ws = await read('ws');
    rounds.push({ http, ws });
    progress(
      `round ${round}: HTTP ${(http.linesPerSecond / 1e6).toFixed(2)} M lines/s, WebSocket ${(ws.linesPerSecond / 1e6).toFixed(2)} M (×${(ws.linesPerSecond / http.linesPerSecond).toFixed(2)})`,
    );
  }
  machine.loadAverage.end = os.loadavg();
  const column = (pick: (round: { http: Read; ws: Read }) => number, digits: number) => range(rounds.map(pick), digits);
  process.stdout.write(
    [
      `\`${benchCommand()}\` — ${machine.nproc} CPUs (${machine.cpu}) shared by the server and the client; Node ${machine.node}; load average ${loadAverages(machine)}; ${LINES} lines of 100 bytes, ${ROUNDS} rounds`,
      '',
      '| read by the client, from a server that costs nothing | M lines/s | client CPU per line |',
      '|---|---:|---:|',
      `| HTTP, newlines counted (as logs.bench.ts reads the simulator) | ${column((r) => r.http.linesPerSecond / 1e6, 2)} | ${column((r) => r.http.clientCpuUsPerLine, 2)} µs |`,
      `| WebSocket, one \`log\` message per line (as logs.bench.ts reads the service) | ${column((r) => r.ws.linesPerSecond / 1e6, 2)} | ${column((r) => r.ws.clientCpuUsPerLine, 2)} µs |`,
      `| **ceiling of WebSocket ÷ direct** | **${column((r) => r.ws.linesPerSecond / r.http.linesPerSecond, 2)}** | |`,
      '',
    ].join('\n'),
  );
  return 0;
}

runBench(main);
