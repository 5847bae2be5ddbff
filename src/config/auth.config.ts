import { registerAs, type ConfigType } from '@nestjs/config';
import {
  IsByteLength,
  IsInt,
  IsString,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { IsExclusiveWith } from '../common/validation/exclusive.js';
import { IsOmittable } from '../common/validation/presence.js';
import { ToInt, ToList } from '../common/validation/transforms.js';
import { DEFAULT_HOST } from './http.config.js';
import { isLoopbackHost } from './loopback-host.js';
import { readEnv } from './read-env.js';
import { IsSwitch, type Switch } from './switch.js';

/** How a caller may prove who they are (api.md §6); several may be enabled together. */
export const AUTH_MODES = ['jwt', 'token', 'none'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

const LOOPBACK_RULE = 'is only allowed while HOST is a loopback address (127.0.0.0/8, ::1, localhost)';
const URL_RULE = 'must be an https URL without credentials, query or fragment';

class AuthEnv {
  /**
   * Comma list of `jwt`, `token`, `none`. Unset means `none`: no authentication, every caller anonymous with every
   * role, which only a service listening on loopback may run with.
   */
  @ToList()
  @Rule('isAuthModeList', (value) => value === undefined || isSubsetOfModes(value), {
    message: 'must be a comma list of jwt, token and none',
  })
  @Rule('isUniqueList', (value) => !Array.isArray(value) || new Set(value).size === value.length, {
    message: 'must not name a mode twice',
  })
  @Rule('isNonEmptyList', (value) => !Array.isArray(value) || value.length > 0, {
    message: 'must name at least one of jwt, token and none',
  })
  @Rule('isNoneOnLoopback', (_value, env) => !modesOf(env).includes('none') || isLoopbackHost(env.HOST), {
    message: ({ value }: ValidationArguments) =>
      value === undefined
        ? `unset means none (no authentication), which ${LOOPBACK_RULE}; ` +
          'set AUTH_MODE to jwt and/or token (with their settings), or HOST to 127.0.0.1'
        : `none (no authentication) ${LOOPBACK_RULE}; ` +
          'remove none and use jwt and/or token (with their settings), or set HOST to 127.0.0.1',
  })
  @Rule(
    'hasJwtKey',
    (_value, env) =>
      !modesOf(env).includes('jwt') ||
      [env.AUTH_JWT_SECRET, env.AUTH_OIDC_ISSUER, env.AUTH_JWKS_URL].some((setting) => setting !== undefined),
    {
      message:
        'jwt needs a key to check tokens with: AUTH_JWT_SECRET (HS256), AUTH_OIDC_ISSUER or AUTH_JWKS_URL ' +
        '(RS256, ES256 and the other public-key algorithms); none of them is set',
    },
  )
  @Rule('hasGrantsFile', (_value, env) => !modesOf(env).includes('token') || env.AUTH_GRANTS_FILE !== undefined, {
    message: "token needs AUTH_GRANTS_FILE, the file that lists the tokens' SHA-256 hashes",
  })
  AUTH_MODE?: string[] = undefined;

  /**
   * `on`: WebSocket upgrades may carry the token as `?access_token=`. Off by default: a URL ends up in proxy logs and
   * browser history, so a token in it outlives its request.
   */
  @IsSwitch()
  AUTH_QUERY_TOKEN: Switch = 'off';

  /** The HS256 key shared with whoever mints the tokens; as long as the hash (RFC 7518 §3.2), 32 bytes at least. */
  @IsOmittable()
  @IsByteLength(32, undefined, { message: 'must be at least 32 bytes' })
  AUTH_JWT_SECRET?: string = undefined;

  /**
   * An OpenID Connect issuer: its keys are found through `<issuer>/.well-known/openid-configuration`, and tokens
   * must carry it as `iss`.
   */
  @IsOmittable()
  @Rule('isHttpsUrl', isHttpsUrl, { message: URL_RULE })
  AUTH_OIDC_ISSUER?: string = undefined;

  /** A JSON Web Key Set to check RS256/ES256 tokens with, when the issuer publishes no discovery document. */
  @IsOmittable()
  @Rule('isHttpsUrl', isHttpsUrl, { message: URL_RULE })
  @IsExclusiveWith('AUTH_OIDC_ISSUER', {
    message: "must not be set together with AUTH_OIDC_ISSUER, whose discovery document names the issuer's keys",
  })
  AUTH_JWKS_URL?: string = undefined;

  /** The `iss` required of tokens checked with AUTH_JWT_SECRET or AUTH_JWKS_URL; unchecked when unset. */
  @IsOmittable()
  @Rule('hasIssuerToCheck', (_value, env) => env.AUTH_JWT_SECRET !== undefined || env.AUTH_JWKS_URL !== undefined, {
    message:
      'applies to tokens checked with AUTH_JWT_SECRET or AUTH_JWKS_URL; tokens from AUTH_OIDC_ISSUER are already ' +
      'checked against that issuer',
  })
  AUTH_JWT_ISSUER?: string = undefined;

  /**
   * The `aud` tokens must carry. Required with an identity provider's keys: it signs the tokens of every application
   * it serves with them, and without this check a token issued for any of those would open this service.
   */
  @ValidateIf((env: AuthEnv) => env.AUTH_JWT_AUDIENCE !== undefined || usesRemoteKeys(env))
  @Rule('isRequiredWithRemoteKeys', (value) => value !== undefined, {
    message:
      'required with AUTH_OIDC_ISSUER or AUTH_JWKS_URL: an identity provider signs the tokens of all its ' +
      'applications with the same keys, and only the audience tells which were issued for this service',
  })
  @Rule('isStringIfGiven', (value) => value === undefined || typeof value === 'string', {
    message: 'must be a string',
  })
  AUTH_JWT_AUDIENCE?: string = undefined;

  /** How far `exp` and `nbf` may be off this machine's clock, for clocks that drift apart. */
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(300)
  AUTH_JWT_CLOCK_SKEW_SECONDS: number = 30;

  /**
   * The top-level claim holding the caller's groups (a string or a list of strings). A name, not a path: providers
   * name such claims with URLs (`https://example.com/groups`), dots included.
   */
  @Matches(/^\S+$/, { message: 'must be a claim name without spaces' })
  AUTH_GROUPS_CLAIM: string = 'groups';

  /** The grants file (YAML or JSON): the static API tokens and who holds which role where. */
  @IsOmittable()
  @IsString()
  AUTH_GRANTS_FILE?: string = undefined;

  /**
   * Origins besides the service's own from which browsers may open WebSockets (cross-site WebSocket hijacking is
   * refused). Upgrades without an `Origin` header come from programs, not browsers, and need no entry.
   */
  @ToList()
  @Rule('isOrigin', isOrigin, {
    each: true,
    message: 'must be a comma list of origins, scheme://host[:port] with http or https',
  })
  WS_ALLOWED_ORIGINS: string[] = [];

  /** Read here to know whether `none` may be used; httpConfig validates it. */
  HOST: string = DEFAULT_HOST;
}

export const authConfig = registerAs('auth', () => {
  const env = readEnv(AuthEnv);
  return {
    modes: modesOf(env) as AuthMode[],
    queryTokenAllowed: env.AUTH_QUERY_TOKEN === 'on',
    jwt: {
      secret: env.AUTH_JWT_SECRET,
      oidcIssuer: env.AUTH_OIDC_ISSUER,
      jwksUrl: env.AUTH_JWKS_URL,
      issuer: env.AUTH_JWT_ISSUER,
      audience: env.AUTH_JWT_AUDIENCE,
      clockSkewSeconds: env.AUTH_JWT_CLOCK_SKEW_SECONDS,
      groupsClaim: env.AUTH_GROUPS_CLAIM,
    },
    grantsFile: env.AUTH_GRANTS_FILE,
    wsAllowedOrigins: env.WS_ALLOWED_ORIGINS.map((origin) => new URL(origin).origin),
  };
});
export type AuthConfig = ConfigType<typeof authConfig>;
export type JwtSettings = AuthConfig['jwt'];

function modesOf(env: AuthEnv): string[] {
  return env.AUTH_MODE ?? ['none'];
}

function usesRemoteKeys(env: AuthEnv): boolean {
  return modesOf(env).includes('jwt') && (env.AUTH_OIDC_ISSUER !== undefined || env.AUTH_JWKS_URL !== undefined);
}

function isSubsetOfModes(value: unknown): boolean {
  return Array.isArray(value) && value.every((mode) => (AUTH_MODES as readonly unknown[]).includes(mode));
}

function isHttpsUrl(value: unknown): boolean {
  if (typeof value !== 'string' || !URL.canParse(value)) return false;
  const url = new URL(value);
  return url.protocol === 'https:' && !url.username && !url.password && !url.search && !url.hash;
}

function isOrigin(value: unknown): boolean {
  if (typeof value !== 'string' || !URL.canParse(value)) return false;
  const url = new URL(value);
  return (
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.pathname === '/' &&
    !url.search &&
    !url.hash &&
    !url.username &&
    !url.password &&
    !url.hostname.includes('*')
  );
}

/** A rule over the setting and its neighbours, whose message names the variable only (never a value). */
function Rule(
  name: string,
  test: (value: unknown, env: AuthEnv) => boolean,
  options: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name,
      validator: { validate: (value: unknown, args?: ValidationArguments) => test(value, args?.object as AuthEnv) },
    },
    options,
  );
}
