import { ANONYMOUS, type Identity } from '../auth/identity.js';
import { ApiError } from '../common/errors/api-error.js';
import { impersonationHeaders, impersonationRefusal } from './impersonation.js';

const user = (name: string, groups: string[] = []): Identity => ({ kind: 'user', name, groups });
const token = (name: string): Identity => ({ kind: 'token', name, groups: [] });

describe(impersonationHeaders.name, () => {
  it.each([
    { label: 'a JWT user without groups', identity: user('alice'), headers: { 'Impersonate-User': 'alice' } },
    {
      label: 'a JWT user, one header per group',
      identity: user('carol', ['sre', 'team:payments']),
      headers: { 'Impersonate-User': 'carol', 'Impersonate-Group': ['sre', 'team:payments'] },
    },
    {
      label: 'an email-like sub and an OIDC group, as they are',
      identity: user('https://issuer.example.com#alice@example.com', ['oidc:admins']),
      headers: {
        'Impersonate-User': 'https://issuer.example.com#alice@example.com',
        'Impersonate-Group': ['oidc:admins'],
      },
    },
    {
      label: 'an API token, prefixed so it cannot pass for a user of that name',
      identity: token('portal'),
      headers: { 'Impersonate-User': 'token:portal' },
    },
    {
      label: 'the anonymous caller of AUTH_MODE=none as Kubernetes’ own anonymous user',
      identity: ANONYMOUS,
      headers: { 'Impersonate-User': 'system:anonymous', 'Impersonate-Group': ['system:unauthenticated'] },
    },
    {
      // Node writes each character of a header string as one byte: these are the UTF-8 bytes of "josé" and "équipe".
      label: 'non-ASCII names as their UTF-8 bytes, as client-go sends them',
      identity: user('josé', ['équipe']),
      headers: { 'Impersonate-User': 'jos\u00c3\u00a9', 'Impersonate-Group': ['\u00c3\u00a9quipe'] },
    },
    {
      label: 'spaces inside a name',
      identity: user('Alice Smith', ['on call']),
      headers: { 'Impersonate-User': 'Alice Smith', 'Impersonate-Group': ['on call'] },
    },
  ])('maps $label', ({ identity, headers }) => {
    expect(impersonationHeaders(identity)).toEqual(headers);
  });

  it('sends UTF-8 that decodes back to the name, byte for byte', () => {
    const { 'Impersonate-User': value } = impersonationHeaders(user('名前-🙂'));
    expect(Buffer.from(value, 'latin1').toString('utf8')).toBe('名前-🙂');
    expect([...value].every((char) => char.charCodeAt(0) <= 0xff)).toBe(true);
  });

  it.each([
    {
      label: 'a CR LF in the sub (header smuggling)',
      identity: user('alice\r\nImpersonate-Group: system:masters'),
      problem: 'user name cannot be sent to it: it contains a control character',
    },
    {
      label: 'a lone LF',
      identity: user('alice\n'),
      problem: 'user name cannot be sent to it: it contains a control character',
    },
    {
      label: 'a NUL',
      identity: user('al\u0000ice'),
      problem: 'user name cannot be sent to it: it contains a control character',
    },
    {
      label: 'a DEL',
      identity: user('alice\u007f'),
      problem: 'user name cannot be sent to it: it contains a control character',
    },
    {
      label: 'a control character in a group',
      identity: user('alice', ['sre', 'dev\r\nX: y']),
      problem: 'group cannot be sent to it: it contains a control character',
    },
    {
      label: 'a control character in a token name',
      identity: token('portal\t\n'),
      problem: 'user name cannot be sent to it: it contains a control character',
    },
    {
      label: 'an empty sub (no impersonation at all)',
      identity: user(''),
      problem: 'user name cannot be sent to it: it is empty',
    },
    { label: 'an empty group', identity: user('alice', ['']), problem: 'group cannot be sent to it: it is empty' },
    {
      label: 'a leading space (HTTP would drop it)',
      identity: user(' alice'),
      problem: 'user name cannot be sent to it: it starts or ends with a space',
    },
    {
      label: 'a trailing space in a group',
      identity: user('alice', ['sre ']),
      problem: 'group cannot be sent to it: it starts or ends with a space',
    },
    {
      label: 'a lone surrogate',
      identity: user('alice\ud800'),
      problem: 'user name cannot be sent to it: it is not valid Unicode',
    },
  ])('refuses $label with 403, naming the part and the problem', ({ identity, problem }) => {
    expect(() => impersonationHeaders(identity)).toThrow(
      expect.objectContaining({
        status: 403,
        reason: 'Forbidden',
        message: expect.stringContaining(problem) as string,
      }),
    );
  });
});

describe(impersonationRefusal.name, () => {
  const forbidden = (message: string) => new ApiError(403, 'Forbidden', message);

  it('says that the cluster does not let the service impersonate, keeping the cluster’s message', () => {
    const refusal = forbidden(
      'users "alice" is forbidden: User "system:serviceaccount:pod-api:pod-api" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
    expect(impersonationRefusal(refusal, 'prod')).toEqual(
      new ApiError(
        403,
        'Forbidden',
        'cluster "prod" impersonates its callers, but does not allow the service to impersonate this one (grant its credentials "impersonate" on users and groups): users "alice" is forbidden: User "system:serviceaccount:pod-api:pod-api" cannot impersonate resource "users" in API group "" at the cluster scope',
      ),
    );
  });

  it.each([
    {
      label: "the impersonated caller's own refusal",
      error: forbidden(
        'pods "web" is forbidden: User "alice" cannot delete resource "pods" in API group "" in the namespace "shop"',
      ),
    },
    {
      label: 'a caller whose name reads like an impersonation refusal',
      error: forbidden(
        'pods "web" is forbidden: User "x cannot impersonate resource \\"users" cannot delete resource "pods"',
      ),
    },
    { label: 'another status', error: new ApiError(404, 'NotFound', 'pod "web" not found in namespace "shop"') },
    { label: 'not an ApiError', error: new Error('cannot impersonate resource "users"') },
  ])('leaves $label as it is', ({ error }) => {
    expect(impersonationRefusal(error, 'prod')).toBe(error);
  });
});
