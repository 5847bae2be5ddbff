import type { Identity } from '../auth/identity.js';
import { ANONYMOUS } from '../auth/identity.js';
import { rateLimitCaller, rateLimitKey } from './rate-limit-caller.js';

const alice: Identity = { kind: 'user', name: 'alice', groups: ['sre'] };
const portal: Identity = { kind: 'token', name: 'portal', groups: [] };

describe(rateLimitCaller.name, () => {
  it.each([
    { who: 'a user, by name', identity: alice, address: '10.0.0.1', expected: 'user:alice' },
    { who: 'the same user from elsewhere', identity: alice, address: '192.0.2.7', expected: 'user:alice' },
    { who: 'a static token, by name', identity: portal, address: '10.0.0.1', expected: 'token:portal' },
    { who: 'anonymous, by IPv4 address', identity: ANONYMOUS, address: '10.0.0.1', expected: 'address:10.0.0.1' },
    { who: 'anonymous, IPv4-mapped', identity: ANONYMOUS, address: '::ffff:127.0.0.1', expected: 'address:127.0.0.1' },
    { who: 'anonymous, IPv6 loopback', identity: ANONYMOUS, address: '::1', expected: 'address:::1' },
    {
      who: 'anonymous, IPv6 by its /64',
      identity: ANONYMOUS,
      address: '2001:db8:1:2:aaaa:bbbb:cccc:dddd',
      expected: 'address:2001:db8:1:2::/64',
    },
    {
      who: 'no identity (a public route), by address',
      identity: undefined,
      address: '10.0.0.2',
      expected: 'address:10.0.0.2',
    },
    { who: 'no identity and no address', identity: undefined, address: undefined, expected: 'address:unknown' },
  ])('names $who', ({ identity, address, expected }) => {
    expect(rateLimitCaller(identity, address)).toBe(expected);
  });

  it('keeps the hosts of one /64 together and those of different /64s apart', () => {
    const caller = (address: string) => rateLimitCaller(ANONYMOUS, address);
    expect(caller('2001:db8:1:2::1')).toBe(caller('2001:db8:1:2::ffff'));
    expect(caller('2001:db8:1:2::1')).not.toBe(caller('2001:db8:1:3::1'));
  });
});

describe(rateLimitKey.name, () => {
  it('keeps each budget of a caller apart', () => {
    expect(rateLimitKey('writes', 'user:alice')).not.toBe(rateLimitKey('terminals', 'user:alice'));
    expect(rateLimitKey('writes', 'user:alice')).toBe('writes:user:alice');
  });
});
