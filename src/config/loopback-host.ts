import { BlockList, isIP } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6'); // BlockList also matches ::ffff:127.x.y.z, IPv4 loopback written as IPv6

/**
 * Whether listening on `host` keeps the service to this machine: 127.0.0.0/8, ::1 or the name `localhost`. `0.0.0.0`
 * and `::` listen on every interface, so they are not.
 */
export function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  const family = isIP(host);
  return family !== 0 && LOOPBACK.check(host, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * Whether a request's `Host` header names this machine by a loopback name: `localhost` (and `*.localhost`, which
 * browsers resolve to loopback themselves), 127.0.0.0/8 or `[::1]`, with any port. A browser led to the service
 * through DNS rebinding sends the attacker's name here instead.
 */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (host === undefined || host === '' || /[\s/?#@\\]/.test(host)) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return false;
  }
  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  return isLoopbackHost(name.startsWith('[') ? name.slice(1, -1) : name);
}
