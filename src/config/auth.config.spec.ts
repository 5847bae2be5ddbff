import { authConfig } from './auth.config.js';
import { settingsUnder } from '../../test/helpers/config-env.js';
import { ConfigError } from './read-env.js';

const NAMES = [
  'HOST',
  'AUTH_MODE',
  'AUTH_QUERY_TOKEN',
  'AUTH_JWT_SECRET',
  'AUTH_OIDC_ISSUER',
  'AUTH_JWKS_URL',
  'AUTH_JWT_ISSUER',
  'AUTH_JWT_AUDIENCE',
  'AUTH_JWT_CLOCK_SKEW_SECONDS',
  'AUTH_GROUPS_CLAIM',
  'AUTH_GRANTS_FILE',
  'WS_ALLOWED_ORIGINS',
  'CONFIG_FILE',
] as const;
type Env = Partial<Record<(typeof NAMES)[number], string>>;

const SECRET = 'a-shared-secret-of-at-least-32-bytes!';
const ISSUER = 'https://login.example.com/realms/ops';

describe('authConfig', () => {
  const withEnv = settingsUnder(NAMES, authConfig);
  const problemsOf = (env: Env): string[] => {
    try {
      withEnv(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('defaults to no authentication on the loopback address, query tokens off, no extra origins', () => {
    expect(withEnv({})).toEqual({
      modes: ['none'],
      queryTokenAllowed: false,
      jwt: {
        secret: undefined,
        oidcIssuer: undefined,
        jwksUrl: undefined,
        issuer: undefined,
        audience: undefined,
        clockSkewSeconds: 30,
        groupsClaim: 'groups',
      },
      grantsFile: undefined,
      wsAllowedOrigins: [],
    });
  });

  it.each([
    { env: { AUTH_MODE: 'none', HOST: '127.0.0.2' }, expected: { modes: ['none'] } },
    { env: { HOST: '::1' }, expected: { modes: ['none'] } },
    { env: { HOST: 'localhost' }, expected: { modes: ['none'] } },
    { env: { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: SECRET, HOST: '0.0.0.0' }, expected: { modes: ['jwt'] } },
    {
      env: { AUTH_MODE: ' token , jwt', AUTH_GRANTS_FILE: '/etc/pod-api/grants.yaml', AUTH_JWT_SECRET: SECRET },
      expected: { modes: ['token', 'jwt'], grantsFile: '/etc/pod-api/grants.yaml' },
    },
    { env: { AUTH_MODE: 'jwt,none', AUTH_JWT_SECRET: SECRET }, expected: { modes: ['jwt', 'none'] } },
    { env: { AUTH_QUERY_TOKEN: 'on' }, expected: { queryTokenAllowed: true } },
    {
      env: { AUTH_MODE: 'jwt', AUTH_OIDC_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: 'pod-api' },
      expected: { jwt: expect.objectContaining({ oidcIssuer: ISSUER, audience: 'pod-api' }) },
    },
    {
      env: {
        AUTH_MODE: 'jwt',
        AUTH_JWKS_URL: 'https://kubernetes.default.svc/openid/v1/jwks',
        AUTH_JWT_ISSUER: 'https://kubernetes.default.svc.cluster.local',
        AUTH_JWT_AUDIENCE: 'pod-api',
        AUTH_JWT_CLOCK_SKEW_SECONDS: '0',
        AUTH_GROUPS_CLAIM: 'https://example.com/groups',
      },
      expected: {
        jwt: expect.objectContaining({
          jwksUrl: 'https://kubernetes.default.svc/openid/v1/jwks',
          issuer: 'https://kubernetes.default.svc.cluster.local',
          clockSkewSeconds: 0,
          groupsClaim: 'https://example.com/groups',
        }),
      },
    },
    {
      // Several key sources together: HS256 tokens are checked with the secret, the others with the remote keys.
      env: { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: SECRET, AUTH_OIDC_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: 'pod-api' },
      expected: { jwt: expect.objectContaining({ secret: SECRET, oidcIssuer: ISSUER }) },
    },
    {
      env: { WS_ALLOWED_ORIGINS: 'https://console.example.com, HTTP://Localhost:5173/,https://a.example.com:443' },
      expected: { wsAllowedOrigins: ['https://console.example.com', 'http://localhost:5173', 'https://a.example.com'] },
    },
  ])('reads $env', ({ env, expected }) => {
    expect(withEnv(env)).toMatchObject(expected);
  });

  it.each([
    {
      env: { HOST: '0.0.0.0' },
      problem:
        'AUTH_MODE: unset means none (no authentication), which is only allowed while HOST is a loopback address ' +
        '(127.0.0.0/8, ::1, localhost); set AUTH_MODE to jwt and/or token (with their settings), or HOST to 127.0.0.1',
    },
    {
      env: { HOST: 'pods.example.com', AUTH_MODE: 'jwt,none', AUTH_JWT_SECRET: SECRET },
      problem:
        'AUTH_MODE: none (no authentication) is only allowed while HOST is a loopback address (127.0.0.0/8, ::1, ' +
        'localhost); remove none and use jwt and/or token (with their settings), or set HOST to 127.0.0.1',
    },
    { env: { AUTH_MODE: 'none,ldap' }, problem: 'AUTH_MODE: must be a comma list of jwt, token and none' },
    { env: { AUTH_MODE: 'none,none' }, problem: 'AUTH_MODE: must not name a mode twice' },
    { env: { AUTH_MODE: ',' }, problem: 'AUTH_MODE: must name at least one of jwt, token and none' },
    {
      env: { AUTH_MODE: 'jwt' },
      problem:
        'AUTH_MODE: jwt needs a key to check tokens with: AUTH_JWT_SECRET (HS256), AUTH_OIDC_ISSUER or AUTH_JWKS_URL ' +
        '(RS256, ES256 and the other public-key algorithms); none of them is set',
    },
    {
      env: { AUTH_MODE: 'token' },
      problem: "AUTH_MODE: token needs AUTH_GRANTS_FILE, the file that lists the tokens' SHA-256 hashes",
    },
    { env: { AUTH_QUERY_TOKEN: 'true' }, problem: 'AUTH_QUERY_TOKEN: must be on or off' },
    {
      env: { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: 'only-31-bytes-long-000000000000' },
      problem: 'AUTH_JWT_SECRET: must be at least 32 bytes',
    },
    {
      env: { AUTH_MODE: 'jwt', AUTH_OIDC_ISSUER: 'http://login.example.com', AUTH_JWT_AUDIENCE: 'pod-api' },
      problem: 'AUTH_OIDC_ISSUER: must be an https URL without credentials, query or fragment',
    },
    {
      env: { AUTH_MODE: 'jwt', AUTH_JWKS_URL: 'https://keys.example.com/jwks?x=1', AUTH_JWT_AUDIENCE: 'pod-api' },
      problem: 'AUTH_JWKS_URL: must be an https URL without credentials, query or fragment',
    },
    {
      env: { AUTH_MODE: 'jwt', AUTH_JWKS_URL: 'not a url', AUTH_JWT_AUDIENCE: 'pod-api' },
      problem: 'AUTH_JWKS_URL: must be an https URL without credentials, query or fragment',
    },
    {
      env: {
        AUTH_MODE: 'jwt',
        AUTH_OIDC_ISSUER: ISSUER,
        AUTH_JWKS_URL: 'https://keys.example.com/jwks',
        AUTH_JWT_AUDIENCE: 'pod-api',
      },
      problem:
        "AUTH_JWKS_URL: must not be set together with AUTH_OIDC_ISSUER, whose discovery document names the issuer's keys",
    },
    {
      env: { AUTH_MODE: 'jwt', AUTH_OIDC_ISSUER: ISSUER },
      problem:
        'AUTH_JWT_AUDIENCE: required with AUTH_OIDC_ISSUER or AUTH_JWKS_URL: an identity provider signs the tokens ' +
        'of all its applications with the same keys, and only the audience tells which were issued for this service',
    },
    {
      env: { AUTH_MODE: 'jwt', AUTH_JWKS_URL: 'https://keys.example.com/jwks' },
      problem: expect.stringMatching(/^AUTH_JWT_AUDIENCE: required with AUTH_OIDC_ISSUER or AUTH_JWKS_URL/),
    },
    {
      env: { AUTH_MODE: 'jwt', AUTH_OIDC_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: 'pod-api', AUTH_JWT_ISSUER: ISSUER },
      problem:
        'AUTH_JWT_ISSUER: applies to tokens checked with AUTH_JWT_SECRET or AUTH_JWKS_URL; tokens from ' +
        'AUTH_OIDC_ISSUER are already checked against that issuer',
    },
    {
      env: { AUTH_JWT_CLOCK_SKEW_SECONDS: '301' },
      problem: 'AUTH_JWT_CLOCK_SKEW_SECONDS: must not be greater than 300',
    },
    { env: { AUTH_JWT_CLOCK_SKEW_SECONDS: '-1' }, problem: 'AUTH_JWT_CLOCK_SKEW_SECONDS: must not be less than 0' },
    { env: { AUTH_GROUPS_CLAIM: 'my groups' }, problem: 'AUTH_GROUPS_CLAIM: must be a claim name without spaces' },
    ...['https://console.example.com/app', 'console.example.com', 'ftp://x.example.com', 'https://*.example.com'].map(
      (origin) => ({
        env: { WS_ALLOWED_ORIGINS: `https://ok.example.com,${origin}` },
        problem: 'WS_ALLOWED_ORIGINS: must be a comma list of origins, scheme://host[:port] with http or https',
      }),
    ),
  ])('refuses $env, naming the variable and the rule', ({ env, problem }) => {
    expect(problemsOf(env)).toEqual([problem]);
  });

  it('reports every auth problem at once', () => {
    const problems = problemsOf({ HOST: '0.0.0.0', AUTH_MODE: 'none,token', AUTH_QUERY_TOKEN: 'yes' });
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^AUTH_MODE: none \(no authentication\) is only allowed/),
        expect.stringMatching(/^AUTH_MODE: token needs AUTH_GRANTS_FILE/),
        'AUTH_QUERY_TOKEN: must be on or off',
      ]),
    );
  });

  it('never names the secret in a problem', () => {
    const secret = 'short-secret-Zq8';
    const problems = problemsOf({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: secret, HOST: '0.0.0.0' });
    expect(problems).toEqual(['AUTH_JWT_SECRET: must be at least 32 bytes']);
    expect(problems.join(' ')).not.toContain(secret);
  });

  it('counts the secret in bytes of UTF-8, not characters', () => {
    expect(() => withEnv({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: 'é'.repeat(16) })).not.toThrow();
    expect(problemsOf({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: 'é'.repeat(15) + 'a' })).toEqual([
      'AUTH_JWT_SECRET: must be at least 32 bytes',
    ]);
  });
});
