import { logFileName } from './log-file-name.js';

describe(logFileName.name, () => {
  it.each([
    { pod: 'web-0', container: 'app', expected: 'web-0-app.log' },
    { pod: 'orders-db-0.shard.1', container: 'postgres', expected: 'orders-db-0.shard.1-postgres.log' },
    // Names come from the cluster: one that is not a Kubernetes name must not reach the header as it is.
    { pod: 'web', container: 'a"b', expected: 'web-a_b.log' },
    { pod: 'web', container: 'x\r\nSet-Cookie: y', expected: 'web-x__Set-Cookie__y.log' },
    { pod: 'web', container: '../../etc/passwd', expected: 'web-.._.._etc_passwd.log' },
    { pod: 'web', container: 'größe', expected: 'web-gr__e.log' },
    { pod: 'web', container: 'a;b=c\\d', expected: 'web-a_b_c_d.log' },
  ])('$pod, $container → $expected', ({ pod, container, expected }) => {
    expect(logFileName(pod, container)).toBe(expected);
  });
});
