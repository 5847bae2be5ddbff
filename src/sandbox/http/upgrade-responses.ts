import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { KubeStatusError } from '../kube-status-error.js';

/** Answers an upgrade request that is refused with a plain HTTP response and a Status body, then closes. */
export function rejectUpgrade(socket: Duplex, error: KubeStatusError, headers: Record<string, string> = {}): void {
  writeRaw(socket, error.status.code, 'application/json', JSON.stringify(error.status), headers);
}

/** The kubelet's plain-text refusal of an exec, proxied as it is. */
export function rejectUpgradeText(socket: Duplex, code: number, message: string): void {
  writeRaw(socket, code, 'text/plain; charset=utf-8', message, {});
}

function writeRaw(
  socket: Duplex,
  code: number,
  contentType: string,
  body: string,
  headers: Record<string, string>,
): void {
  if (socket.destroyed) return;
  const lines = [
    `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? 'Error'}`,
    `Content-Type: ${contentType}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-cache, private',
    'Connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}
