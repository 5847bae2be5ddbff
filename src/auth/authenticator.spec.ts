import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { CompactSign, exportSPKI, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import { FakeIdentityProvider, type ProviderKey } from '../../test/fakes/fake-identity-provider.js';
import { LogCapture } from '../../test/helpers/log-capture.js';
import { ApiError } from '../common/errors/api-error.js';
import type { AuthConfig, JwtSettings } from '../config/auth.config.js';
import { ModeAuthenticator } from './authenticator.js';
import { GrantsSource, type ApiToken, type GrantsDocument } from './grants.js';
import { ANONYMOUS } from './identity.js';

const SECRET = 'a-shared-secret-of-at-least-32-bytes!';
const MINTER = 'https://minter.example.com';
const now = () => Math.floor(Date.now() / 1000);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

class FixedGrants extends GrantsSource {
  constructor(private readonly document: GrantsDocument) {
    super();
  }
  current(): GrantsDocument {
    return this.document;
  }
}

function config(modes: AuthConfig['modes'], jwt: Partial<JwtSettings> = {}): AuthConfig {
  return {
    modes,
    queryTokenAllowed: false,
    jwt: {
      secret: undefined,
      oidcIssuer: undefined,
      jwksUrl: undefined,
      issuer: undefined,
      audience: undefined,
      clockSkewSeconds: 30,
      groupsClaim: 'groups',
      ...jwt,
    },
    grantsFile: undefined,
    wsAllowedOrigins: [],
  };
}

function authenticator(settings: AuthConfig, options: { tokens?: ApiToken[]; idp?: FakeIdentityProvider } = {}) {
  const grants = new FixedGrants({ tokens: options.tokens ?? [], grants: [] });
  return new ModeAuthenticator(settings, grants, { fetch: options.idp?.fetch });
}

function hs256(claims: JWTPayload = {}, secret: string | Uint8Array = SECRET): Promise<string> {
  return new SignJWT({ sub: 'alice', exp: now() + 300, ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(typeof secret === 'string' ? new TextEncoder().encode(secret) : secret);
}

/** The refusal `authenticate` ended with; its message must not repeat the token. */
async function refusal(promise: Promise<unknown>, token?: string): Promise<ApiError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (caught: unknown) => caught,
  );
  if (!(error instanceof ApiError)) throw error;
  if (token) for (const part of token.split('.')) if (part.length > 8) expect(error.message).not.toContain(part);
  return error;
}

const unauthorized = (message: string | RegExp) => ({
  status: 401,
  reason: 'Unauthorized',
  message: typeof message === 'string' ? message : expect.stringMatching(message),
});
const unavailable = (message: string) => ({ status: 503, reason: 'AuthUnavailable', message });

describe(ModeAuthenticator.name, () => {
  describe('without a token', () => {
    it.each([
      { modes: ['none'] as const, expected: ANONYMOUS },
      { modes: ['token', 'none'] as const, expected: ANONYMOUS },
      { modes: ['jwt', 'none'] as const, expected: ANONYMOUS },
    ])('lets the caller in as anonymous with $modes', async ({ modes, expected }) => {
      await expect(authenticator(config([...modes], { secret: SECRET })).authenticate(undefined)).resolves.toBe(
        expected,
      );
    });

    it.each([{ modes: ['jwt'] as const }, { modes: ['token'] as const }, { modes: ['jwt', 'token'] as const }])(
      'answers 401 with $modes',
      async ({ modes }) => {
        const error = await refusal(authenticator(config([...modes], { secret: SECRET })).authenticate(undefined));
        expect(error).toMatchObject(unauthorized('authentication required: send Authorization: Bearer <token>'));
      },
    );
  });

  describe('with AUTH_MODE=none only', () => {
    it('ignores a token it has nothing to check with: the caller is anonymous either way', async () => {
      await expect(authenticator(config(['none'])).authenticate('some-token')).resolves.toBe(ANONYMOUS);
    });
  });

  describe('with a token where none is also enabled', () => {
    it('refuses a bad token instead of falling back to anonymous', async () => {
      const token = await hs256({ exp: now() - 3600 });
      const error = await refusal(authenticator(config(['jwt', 'none'], { secret: SECRET })).authenticate(token));
      expect(error).toMatchObject(unauthorized('the token has expired'));
    });
  });

  describe('static API tokens', () => {
    const tokens = [
      { name: 'portal', sha256: sha256('portal-secret-token') },
      { name: 'jwt-shaped', sha256: sha256('aaaa.bbbb.cccc') },
    ];

    it('names the caller after the token', async () => {
      await expect(authenticator(config(['token']), { tokens }).authenticate('portal-secret-token')).resolves.toEqual({
        kind: 'token',
        name: 'portal',
        groups: [],
      });
    });

    it('takes a configured token that looks like a JWT as that token', async () => {
      await expect(
        authenticator(config(['jwt', 'token'], { secret: SECRET }), { tokens }).authenticate('aaaa.bbbb.cccc'),
      ).resolves.toEqual({ kind: 'token', name: 'jwt-shaped', groups: [] });
    });

    it('reads the tokens in force on each call (the grants file is re-read when it changes)', async () => {
      const document: GrantsDocument = { tokens: [], grants: [] };
      const subject = new ModeAuthenticator(config(['token']), new FixedGrants(document));
      await expect(subject.authenticate('portal-secret-token')).rejects.toThrow('the token is not a known API token');
      document.tokens.push(tokens[0]);
      await expect(subject.authenticate('portal-secret-token')).resolves.toMatchObject({ name: 'portal' });
    });

    it.each([
      { modes: ['token'] as const, token: 'portal-secret-tokeN', message: 'the token is not a known API token' },
      { modes: ['token'] as const, token: 'x.y.z', message: 'the token is not a known API token' },
      {
        modes: ['jwt', 'token'] as const,
        token: 'portal-secret-token-2',
        message: 'the token is neither a JWT nor a known API token',
      },
      { modes: ['jwt'] as const, token: 'portal-secret-token', message: 'the token is not a JWT' },
    ])('refuses $token with $modes', async ({ modes, token, message }) => {
      const error = await refusal(
        authenticator(config([...modes], { secret: SECRET }), { tokens }).authenticate(token),
        token,
      );
      expect(error).toMatchObject(unauthorized(message));
      expect(error.message).not.toContain(token);
    });
  });

  describe('HS256 with AUTH_JWT_SECRET', () => {
    const settings = config(['jwt'], { secret: SECRET, issuer: MINTER, audience: 'pod-api' });
    const claims = { iss: MINTER, aud: 'pod-api' };

    it('names the caller after sub, with the groups of the groups claim', async () => {
      const token = await hs256({ ...claims, sub: 'alice', groups: ['sre', 'dev'] });
      await expect(authenticator(settings).authenticate(token)).resolves.toEqual({
        kind: 'user',
        name: 'alice',
        groups: ['sre', 'dev'],
      });
    });

    it.each([
      { label: 'no groups claim', extra: {}, groupsClaim: 'groups', groups: [] },
      { label: 'one group as a string', extra: { groups: 'sre' }, groupsClaim: 'groups', groups: ['sre'] },
      {
        label: 'a claim named by AUTH_GROUPS_CLAIM',
        extra: { 'https://example.com/roles': ['ops'], groups: ['ignored'] },
        groupsClaim: 'https://example.com/roles',
        groups: ['ops'],
      },
      {
        label: 'an audience list holding ours',
        extra: { aud: ['other', 'pod-api'] },
        groupsClaim: 'groups',
        groups: [],
      },
      // Within AUTH_JWT_CLOCK_SKEW_SECONDS (30) of this machine's clock.
      { label: 'exp 10 s ago', extra: { exp: now() - 10 }, groupsClaim: 'groups', groups: [] },
      { label: 'nbf 10 s ahead', extra: { nbf: now() + 10 }, groupsClaim: 'groups', groups: [] },
    ])('accepts $label', async ({ extra, groupsClaim, groups }) => {
      const token = await hs256({ ...claims, ...extra });
      const subject = authenticator(config(['jwt'], { ...settings.jwt, groupsClaim }));
      await expect(subject.authenticate(token)).resolves.toEqual({ kind: 'user', name: 'alice', groups });
    });

    it.each([
      {
        label: 'an expired token',
        token: () => hs256({ ...claims, exp: now() - 60 }),
        message: 'the token has expired',
      },
      {
        label: 'a token not valid yet',
        token: () => hs256({ ...claims, nbf: now() + 60 }),
        message: 'the token is not valid yet (nbf)',
      },
      {
        label: 'another secret',
        token: () => hs256(claims, 'another-secret-of-at-least-32-bytes!!'),
        message: "the token's signature is not valid",
      },
      {
        label: 'another issuer',
        token: () => hs256({ ...claims, iss: 'https://elsewhere.example.com' }),
        message: "the token's issuer is not accepted",
      },
      { label: 'no issuer', token: () => hs256({ aud: 'pod-api' }), message: 'the token has no "iss" claim' },
      {
        label: 'another audience',
        token: () => hs256({ ...claims, aud: 'another-app' }),
        message: 'the token was not issued for this service (aud)',
      },
      { label: 'no audience', token: () => hs256({ iss: MINTER }), message: 'the token has no "aud" claim' },
      {
        label: 'no expiry',
        token: () => hs256({ ...claims, exp: undefined }),
        message: 'the token has no "exp" claim',
      },
      {
        label: 'an expiry that is not a number',
        token: () => hs256({ ...claims, exp: 'tomorrow' as unknown as number }),
        message: 'the token\'s "exp" claim is not valid',
      },
      {
        label: 'no subject',
        token: () => hs256({ ...claims, sub: undefined }),
        message: 'the token has no "sub" claim',
      },
      {
        label: 'an empty subject',
        token: () => hs256({ ...claims, sub: '' }),
        message: 'the token\'s "sub" claim must be a non-empty string',
      },
      {
        label: 'groups that are not strings',
        token: () => hs256({ ...claims, groups: ['sre', 7] }),
        message: 'the token\'s "groups" claim must be a string or a list of strings',
      },
      {
        label: 'alg none',
        token: async () => new UnsecuredJWT({ ...claims, sub: 'alice', exp: now() + 300 }).encode(),
        message: "the token's signing algorithm is not accepted",
      },
      {
        label: 'RS256 without remote keys configured',
        token: async () => {
          const idp = await FakeIdentityProvider.start();
          try {
            return await idp.sign(await idp.addKey('k', 'RS256'), claims);
          } finally {
            await idp.stop();
          }
        },
        message: "the token's signing algorithm is not accepted",
      },
      { label: 'three segments of garbage', token: async () => 'abc.def.ghi', message: 'the token is not a valid JWT' },
      {
        label: 'a payload that is not JSON',
        token: () =>
          new CompactSign(new TextEncoder().encode('not json'))
            .setProtectedHeader({ alg: 'HS256' })
            .sign(new TextEncoder().encode(SECRET)),
        message: 'the token is not a valid JWT',
      },
    ])('refuses $label with 401', async ({ token, message }) => {
      const text = await token();
      expect(await refusal(authenticator(settings).authenticate(text), text)).toMatchObject(unauthorized(message));
    });
  });

  describe('RS256/ES256 with AUTH_JWKS_URL', () => {
    let idp: FakeIdentityProvider;
    let rsa: ProviderKey;
    let ec: ProviderKey;
    let settings: AuthConfig;
    beforeEach(async () => {
      idp = await FakeIdentityProvider.start();
      rsa = await idp.addKey('rsa-1', 'RS256');
      ec = await idp.addKey('ec-1', 'ES256');
      settings = config(['jwt'], { jwksUrl: idp.jwksUrl, issuer: idp.issuer, audience: 'pod-api' });
    });
    afterEach(async () => {
      jest.useRealTimers();
      await idp.stop();
    });
    const claims = { aud: 'pod-api' };

    it('accepts RS256 and ES256 tokens signed with the key set, fetching it once', async () => {
      const subject = authenticator(settings, { idp });
      await expect(subject.authenticate(await idp.sign(rsa, { ...claims, sub: 'bob' }))).resolves.toEqual({
        kind: 'user',
        name: 'bob',
        groups: [],
      });
      await expect(subject.authenticate(await idp.sign(ec, { ...claims, groups: ['sre'] }))).resolves.toEqual({
        kind: 'user',
        name: 'alice',
        groups: ['sre'],
      });
      expect(idp.count('/jwks')).toBe(1);
    });

    it('accepts a token without kid when one of several keys verifies it', async () => {
      const second = await idp.addKey('rsa-2', 'RS256');
      const token = await idp.sign(second, claims, { kid: null });
      await expect(authenticator(settings, { idp }).authenticate(token)).resolves.toMatchObject({ name: 'alice' });
    });

    it.each([
      {
        label: 'a key the provider does not publish, under a published kid',
        token: async () => idp.sign({ ...(await idp.addKey('x', 'RS256', { publish: false })), kid: 'rsa-1' }, claims),
        message: "the token's signature is not valid",
      },
      {
        label: 'a token without kid that no key verifies',
        token: async () => idp.sign(await idp.addKey('x', 'RS256', { publish: false }), claims, { kid: null }),
        message: "the token's signature is not valid",
      },
      {
        label: 'another issuer',
        token: () => idp.sign(rsa, { ...claims, iss: 'https://elsewhere.example.com' }),
        message: "the token's issuer is not accepted",
      },
      {
        label: 'another audience',
        token: () => idp.sign(rsa, { aud: 'another-app' }),
        message: 'the token was not issued for this service (aud)',
      },
      {
        label: 'an expired token',
        token: () => idp.sign(ec, { ...claims, exp: now() - 60 }),
        message: 'the token has expired',
      },
      {
        label: 'alg none',
        token: async () => new UnsecuredJWT({ ...claims, iss: idp.issuer, sub: 'alice', exp: now() + 300 }).encode(),
        message: "the token's signing algorithm is not accepted",
      },
      {
        // The classic confusion: the public key, which anyone can fetch, used as an HMAC secret.
        label: 'HS256 signed with the RS256 public key as secret',
        token: async () =>
          new SignJWT({ ...claims, iss: idp.issuer, sub: 'alice', exp: now() + 300 })
            .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
            .sign(new TextEncoder().encode(await exportSPKI(rsa.publicKey))),
        message: "the token's signing algorithm is not accepted",
      },
      {
        label: 'a key id the provider does not know',
        token: async () => idp.sign(await idp.addKey('ghost', 'ES256', { publish: false }), claims),
        message: "no key of the token's issuer matches its key id (kid)",
      },
    ])('refuses $label with 401', async ({ token, message }) => {
      const text = await token();
      const error = await refusal(authenticator(settings, { idp }).authenticate(text), text);
      expect(error).toMatchObject(unauthorized(message));
    });

    it('refuses HS256 signed with the RS256 public key also when a shared secret is configured', async () => {
      const token = await new SignJWT({ ...claims, iss: idp.issuer, sub: 'alice', exp: now() + 300 })
        .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
        .sign(new TextEncoder().encode(await exportSPKI(rsa.publicKey)));
      const subject = authenticator(config(['jwt'], { ...settings.jwt, secret: SECRET }), { idp });
      expect(await refusal(subject.authenticate(token), token)).toMatchObject(
        unauthorized("the token's signature is not valid"),
      );
      // The shared secret's own tokens still pass beside the provider's.
      await expect(subject.authenticate(await hs256({ ...claims, iss: idp.issuer }))).resolves.toMatchObject({
        kind: 'user',
      });
    });

    it('picks up a rotated key after an unknown kid, fetching the key set at most once per cooldown', async () => {
      const subject = authenticator(settings, { idp });
      await subject.authenticate(await idp.sign(rsa, claims));
      expect(idp.count('/jwks')).toBe(1);

      const rotated = await idp.addKey('rsa-2', 'RS256');
      const token = await idp.sign(rotated, claims);
      // Just fetched: a flood of unknown key ids does not turn into a flood of fetches.
      expect(await refusal(subject.authenticate(token))).toMatchObject(
        unauthorized("no key of the token's issuer matches its key id (kid)"),
      );
      expect(idp.count('/jwks')).toBe(1);

      // jose's cooldown reads Date.now(); only Date is faked, so sockets and timers run as usual.
      jest.useFakeTimers({ now: Date.now(), doNotFake: [...NOT_DATE] });
      jest.setSystemTime(Date.now() + 31_000);
      const later = await idp.sign(rotated, claims);
      await expect(subject.authenticate(later)).resolves.toMatchObject({ name: 'alice' });
      expect(idp.count('/jwks')).toBe(2);
    });

    it('answers 503 while the key set cannot be fetched, and recovers when it can', async () => {
      const subject = authenticator(settings, { idp });
      const token = await idp.sign(rsa, claims);
      idp.setDown(true);
      expect(await refusal(subject.authenticate(token))).toMatchObject(
        unavailable("the identity provider's keys could not be fetched; try again later"),
      );
      idp.setDown(false);
      await expect(subject.authenticate(token)).resolves.toMatchObject({ name: 'alice' });
    });

    it('logs an outage once, without the token, and the recovery once', async () => {
      const logs = new LogCapture();
      Logger.overrideLogger(logs);
      try {
        const subject = authenticator(settings, { idp });
        const token = await idp.sign(rsa, claims);
        idp.setDown(true);
        for (let attempt = 0; attempt < 3; attempt++) await refusal(subject.authenticate(token));
        idp.setDown(false);
        for (let attempt = 0; attempt < 2; attempt++) await subject.authenticate(token);
        expect(logs.events('auth.idp.unavailable')).toEqual([
          { event: 'auth.idp.unavailable', step: 'jwks', detail: expect.any(String) },
        ]);
        expect(logs.events('auth.idp.recovered')).toHaveLength(1);
        expect(JSON.stringify(logs.lines)).not.toContain(token.split('.')[2]);
      } finally {
        Logger.overrideLogger(false);
      }
    });

    it('answers 503 when nothing listens at the key set URL', async () => {
      const token = await idp.sign(rsa, claims);
      const subject = authenticator(settings, { idp });
      await idp.stop();
      idp = await FakeIdentityProvider.start(); // for afterEach
      expect(await refusal(subject.authenticate(token))).toMatchObject(
        unavailable("the identity provider's keys could not be fetched; try again later"),
      );
    });
  });

  describe('ES256 through AUTH_OIDC_ISSUER discovery', () => {
    let idp: FakeIdentityProvider;
    let ec: ProviderKey;
    let settings: AuthConfig;
    beforeEach(async () => {
      idp = await FakeIdentityProvider.start();
      ec = await idp.addKey('ec-1', 'ES256');
      settings = config(['jwt'], { oidcIssuer: idp.issuer, audience: 'pod-api', groupsClaim: 'roles' });
    });
    afterEach(() => idp.stop());
    const claims = { aud: 'pod-api' };

    it('finds the keys through the discovery document, read once', async () => {
      const subject = authenticator(settings, { idp });
      expect(idp.count('/.well-known/openid-configuration')).toBe(0); // read when first needed, not at start
      for (const sub of ['alice', 'bob']) {
        await expect(subject.authenticate(await idp.sign(ec, { ...claims, sub, roles: ['ops'] }))).resolves.toEqual({
          kind: 'user',
          name: sub,
          groups: ['ops'],
        });
      }
      expect(idp.count('/.well-known/openid-configuration')).toBe(1);
      expect(idp.count('/jwks')).toBe(1);
    });

    it.each([
      {
        label: 'another issuer',
        claims: { ...claims, iss: 'https://elsewhere.example.com' },
        message: "the token's issuer is not accepted",
      },
      {
        label: 'another audience',
        claims: { aud: 'another-app' },
        message: 'the token was not issued for this service (aud)',
      },
      {
        label: 'a token not valid yet',
        claims: { ...claims, nbf: now() + 120 },
        message: 'the token is not valid yet (nbf)',
      },
    ])('refuses $label with 401', async ({ claims: tokenClaims, message }) => {
      const token = await idp.sign(ec, tokenClaims);
      expect(await refusal(authenticator(settings, { idp }).authenticate(token), token)).toMatchObject(
        unauthorized(message),
      );
    });

    it('answers 503 while the discovery document cannot be read, and reads it again on the next token', async () => {
      const subject = authenticator(settings, { idp });
      const token = await idp.sign(ec, claims);
      idp.setDown(true);
      expect(await refusal(subject.authenticate(token))).toMatchObject(
        unavailable("the identity provider's discovery document could not be read; try again later"),
      );
      idp.setDown(false);
      await expect(subject.authenticate(token)).resolves.toMatchObject({ name: 'alice' });
      expect(idp.count('/.well-known/openid-configuration')).toBe(2);
    });

    it('answers 503 when the discovery document names another issuer', async () => {
      idp.announcedIssuer = 'https://impostor.example.com';
      const token = await idp.sign(ec, claims);
      expect(await refusal(authenticator(settings, { idp }).authenticate(token))).toMatchObject(
        unavailable("the identity provider's discovery document names another issuer than AUTH_OIDC_ISSUER"),
      );
      expect(idp.count('/jwks')).toBe(0);
    });
  });
});

const NOT_DATE = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;
