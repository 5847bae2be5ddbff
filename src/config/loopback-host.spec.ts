import { isLoopbackHost } from './loopback-host.js';

describe(isLoopbackHost.name, () => {
  it.each([
    { host: '127.0.0.1', loopback: true },
    { host: '127.255.3.4', loopback: true },
    { host: '::1', loopback: true },
    { host: '0:0:0:0:0:0:0:1', loopback: true },
    { host: '::ffff:127.0.0.1', loopback: true },
    { host: 'localhost', loopback: true },
    { host: 'LocalHost', loopback: true },
    { host: '0.0.0.0', loopback: false },
    { host: '::', loopback: false },
    { host: '10.1.2.3', loopback: false },
    { host: '128.0.0.1', loopback: false },
    { host: '::2', loopback: false },
    { host: 'pods.example.com', loopback: false },
    { host: 'localhost.example.com', loopback: false },
  ])('$host → $loopback', ({ host, loopback }) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});
