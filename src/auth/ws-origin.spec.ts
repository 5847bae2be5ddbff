import { wsOriginAllowed } from './ws-origin.js';

describe(wsOriginAllowed.name, () => {
  const allowed = ['https://console.example.com', 'http://localhost:5173'];

  it.each([
    { label: 'no Origin (a program, not a browser)', origin: undefined, host: 'pods.example.com', ok: true },
    { label: 'the service’s own origin', origin: 'https://pods.example.com', host: 'pods.example.com', ok: true },
    {
      label: 'its own origin, Host with the default port',
      origin: 'https://pods.example.com',
      host: 'pods.example.com:443',
      ok: true,
    },
    { label: 'its own origin, any case', origin: 'https://Pods.Example.com', host: 'pods.example.COM', ok: true },
    { label: 'its own origin on a port', origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000', ok: true },
    { label: 'its own origin, IPv6', origin: 'http://[::1]:3000', host: '[::1]:3000', ok: true },
    { label: 'a listed origin', origin: 'https://console.example.com', host: 'pods.example.com', ok: true },
    { label: 'a listed origin with its port', origin: 'http://localhost:5173', host: 'pods.example.com', ok: true },
    { label: 'a foreign origin', origin: 'https://evil.example.net', host: 'pods.example.com', ok: false },
    { label: 'a listed host on another port', origin: 'http://localhost:5174', host: 'pods.example.com', ok: false },
    {
      label: 'a listed host over another scheme',
      origin: 'http://console.example.com',
      host: 'pods.example.com',
      ok: false,
    },
    { label: 'its own host on another port', origin: 'http://127.0.0.1:4000', host: '127.0.0.1:3000', ok: false },
    { label: 'a suffix of its host', origin: 'https://pods.example.com.evil.net', host: 'pods.example.com', ok: false },
    { label: 'the opaque origin null (sandboxed frame, file:)', origin: 'null', host: 'pods.example.com', ok: false },
    { label: 'an Origin without a Host', origin: 'https://evil.example.net', host: undefined, ok: false },
    { label: 'garbage', origin: 'not an origin', host: 'pods.example.com', ok: false },
  ])('$label → $ok', ({ origin, host, ok }) => {
    expect(wsOriginAllowed(origin, host, allowed)).toBe(ok);
  });
});
