import type { ApiError } from '../common/errors/api-error.js';
import { mergeAccess, resolveAccess, type ResolvedAccess } from './cluster-credentials.js';
import { KUBECONFIG_LIMITS } from './kube/kubeconfig.js';

const kubeconfig = (server: string) =>
  `clusters: [{name: c, cluster: {server: "${server}"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`;

describe(resolveAccess.name, () => {
  it.each([
    { label: 'an apiServer with a token', input: { apiServer: 'https://10.0.0.1:6443', token: 't' } },
    { label: 'a kubeconfig', input: { kubeConfig: kubeconfig('https://10.0.0.1:6443') } },
  ])('accepts $label', ({ input }) => {
    expect(resolveAccess(input).apiServer).toBe('https://10.0.0.1:6443');
  });

  it.each([
    {
      label: 'a user and password in apiServer',
      input: { apiServer: 'https://admin:hunter2@10.0.0.1:6443', token: 't' },
      message: 'apiServer must not contain a user name or password',
    },
    {
      label: 'a user name alone in apiServer',
      input: { apiServer: 'https://admin@10.0.0.1', token: 't' },
      message: 'apiServer must not contain a user name or password',
    },
    {
      label: 'a password alone in apiServer',
      input: { apiServer: 'https://:hunter2@10.0.0.1', token: 't' },
      message: 'apiServer must not contain a user name or password',
    },
    {
      label: 'a password in a plain-http apiServer with the opt-in',
      input: { apiServer: 'http://admin:hunter2@10.0.0.1', token: 't', insecureSkipTlsVerify: true },
      message: 'apiServer must not contain a user name or password',
    },
    {
      label: "a password in the kubeconfig's server",
      input: { kubeConfig: kubeconfig('https://admin:hunter2@10.0.0.1:6443') },
      message: "kubeConfig's server must not contain a user name or password",
    },
  ])('refuses $label with 400, without echoing the URL', ({ input, message }) => {
    expect(() => resolveAccess(input)).toThrow(
      expect.objectContaining({ status: 400, reason: 'BadRequest', message }) as ApiError,
    );
  });
});

describe(`${resolveAccess.name}, on the kubeconfig's size`, () => {
  it('refuses a base64 kubeconfig that decodes to more than the limit, naming the limit', () => {
    const oversize = `${kubeconfig('https://10.0.0.1')}preferences: {note: "${'x'.repeat(KUBECONFIG_LIMITS.maxBytes)}"}\n`;
    expect(() => resolveAccess({ kubeConfig: Buffer.from(oversize).toString('base64') })).toThrow(
      expect.objectContaining({ status: 400, message: 'kubeConfig is larger than the limit of 512 KiB' }),
    );
  });
});

describe(mergeAccess.name, () => {
  const current: ResolvedAccess = {
    apiServer: 'https://10.0.0.1:6443',
    credentials: { token: 't', insecureSkipTlsVerify: false },
  };

  it('refuses an update that puts a password into apiServer', () => {
    expect(() => mergeAccess(current, { apiServer: 'https://admin:hunter2@10.0.0.2' })).toThrow(
      expect.objectContaining({ status: 400, message: 'apiServer must not contain a user name or password' }),
    );
  });

  it('keeps the stored token when only apiServer changes', () => {
    expect(mergeAccess(current, { apiServer: 'https://10.0.0.2' })).toEqual({
      apiServer: 'https://10.0.0.2',
      credentials: { token: 't', insecureSkipTlsVerify: false },
    });
  });

  describe('when the stored credentials cannot be read', () => {
    it.each([
      { label: 'a kubeconfig', change: { kubeConfig: kubeconfig('https://10.0.0.3') }, apiServer: 'https://10.0.0.3' },
      {
        label: 'an apiServer with a token',
        change: { apiServer: 'https://10.0.0.4', token: 'n' },
        apiServer: 'https://10.0.0.4',
      },
    ])('replaces them with $label', ({ change, apiServer }) => {
      expect(mergeAccess(undefined, change)).toMatchObject({ apiServer });
    });

    it.each([
      { label: 'a token alone', change: { token: 'n' } },
      { label: 'an apiServer alone', change: { apiServer: 'https://10.0.0.4' } },
      { label: 'a CA alone', change: { caCert: 'x' } },
      { label: 'the TLS flag alone', change: { insecureSkipTlsVerify: true } },
    ])('refuses $label with 409, as there is nothing to merge it into', ({ change }) => {
      expect(() => mergeAccess(undefined, change)).toThrow(
        expect.objectContaining({
          status: 409,
          reason: 'Conflict',
          message: expect.stringContaining('replace them whole'),
        }),
      );
    });

    it('leaves them as they are when no access field changes', () => {
      expect(mergeAccess(undefined, {})).toBeUndefined();
    });
  });
});
