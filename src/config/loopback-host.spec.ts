import { isLoopbackHost, isLoopbackHostHeader } from './loopback-host.js';

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

describe(isLoopbackHostHeader.name, () => {
  it.each([
    { host: 'localhost', loopback: true },
    { host: 'localhost:3000', loopback: true },
    { host: 'LOCALHOST.:3000', loopback: true },
    { host: 'app.localhost:3000', loopback: true },
    { host: '127.0.0.1:3000', loopback: true },
    { host: '127.9.9.9', loopback: true },
    { host: '[::1]:3000', loopback: true },
    { host: '[::1]', loopback: true },
    { host: '2130706433:3000', loopback: true }, // 127.0.0.1 as one number, which browsers read so too
    { host: undefined, loopback: false },
    { host: '', loopback: false },
    { host: 'rebind.example.com:3000', loopback: false },
    { host: 'localhost.example.com', loopback: false },
    { host: '127.0.0.1.nip.io:3000', loopback: false },
    { host: '10.0.0.1:3000', loopback: false },
    { host: '[::2]:3000', loopback: false },
    { host: 'localhost@evil.example.com', loopback: false },
    { host: 'evil.example.com/localhost', loopback: false },
    { host: 'local host', loopback: false },
    { host: '[::1', loopback: false },
  ])('Host: $host → $loopback', ({ host, loopback }) => {
    expect(isLoopbackHostHeader(host)).toBe(loopback);
  });
});
