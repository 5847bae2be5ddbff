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
