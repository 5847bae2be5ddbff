import { Logger } from '@nestjs/common';
import { createRemoteJWKSet, customFetch, errors, type JWTVerifyGetKey } from 'jose';
import { ApiError } from '../common/errors/api-error.js';
import type { JwtSettings } from '../config/auth.config.js';

export type Fetch = typeof globalThis.fetch;

/** An identity provider's public keys, and the issuer its tokens must name (none: `iss` is not checked). */
export interface KeySet {
  getKey: JWTVerifyGetKey;
  issuer: string | undefined;
}

/** How long the discovery document and the key set may take to arrive before the request is answered 503. */
const FETCH_TIMEOUT_MS = 5000;

/** Keys are fetched again once this old, so a key the provider withdrew (compromised) stops being trusted. */
const KEYS_MAX_AGE_MS = 10 * 60_000;

/**
 * After a fetch, a token with an unknown `kid` waits this long before the next one: a rotated key is still picked
 * up, and a flood of made-up key ids costs one fetch per cooldown instead of one per token.
 */
const UNKNOWN_KID_COOLDOWN_MS = 30_000;

/**
 * The keys of AUTH_JWKS_URL, or of AUTH_OIDC_ISSUER through its discovery document (OpenID Connect Discovery 1.0 §4).
 * jose's remote key set keeps the keys and fetches them again when they age or a token names an unknown `kid`.
 * The discovery document is read when a token first needs it (the service starts while the provider is down), kept
 * once read, and read again after a failure. A provider that cannot be reached is a 503, not a 401: the token may
 * well be good.
 */
export class RemoteKeys {
  private readonly logger = new Logger(RemoteKeys.name);
  private keySet?: Promise<KeySet>;
  private failing = false;

  private constructor(
    private readonly source: { jwksUrl: string; issuer?: string } | { oidcIssuer: string },
    private readonly fetch: Fetch,
  ) {}

  /** The remote keys the settings name, if any. */
  static from(settings: JwtSettings, fetch: Fetch): RemoteKeys | undefined {
    const { jwksUrl, oidcIssuer, issuer } = settings;
    if (jwksUrl !== undefined) return new RemoteKeys({ jwksUrl, issuer }, fetch);
    if (oidcIssuer !== undefined) return new RemoteKeys({ oidcIssuer }, fetch);
    return undefined;
  }

  keys(): Promise<KeySet> {
    this.keySet ??= this.load().catch((error: unknown) => {
      this.keySet = undefined;
      throw error;
    });
    return this.keySet;
  }

  private async load(): Promise<KeySet> {
    if ('jwksUrl' in this.source) return this.keySetAt(new URL(this.source.jwksUrl), this.source.issuer);
    const { oidcIssuer } = this.source;
    return this.keySetAt(await this.discover(oidcIssuer), oidcIssuer);
  }

  private keySetAt(url: URL, issuer: string | undefined): KeySet {
    const fetch = this.fetch;
    const remote = createRemoteJWKSet(url, {
      timeoutDuration: FETCH_TIMEOUT_MS,
      cacheMaxAge: KEYS_MAX_AGE_MS,
      cooldownDuration: UNKNOWN_KID_COOLDOWN_MS,
      [customFetch]: (input, init) => fetch(input, init),
    });
    const getKey: JWTVerifyGetKey = async (header, token) => {
      try {
        const key = await remote(header, token);
        this.recovered();
        return key;
      } catch (error) {
        // No key fits the token: the token's fault, told apart from keys that could not be had.
        if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
        this.failed('jwks', error);
        throw unavailable("the identity provider's keys could not be fetched; try again later");
      }
    };
    return { getKey, issuer };
  }

  private async discover(issuer: string): Promise<URL> {
    // The issuer may end with a slash (Auth0's do); the well-known path is appended to it without one (§4).
    const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let document: unknown;
    try {
      const response = await this.fetch(url, {
        redirect: 'manual',
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
        headers: { accept: 'application/json' },
      });
      if (response.status !== 200) throw new Error(`the discovery document answered ${response.status}`);
      document = await response.json();
    } catch (error) {
      this.failed('oidc-discovery', error);
      throw unavailable("the identity provider's discovery document could not be read; try again later");
    }
    const { issuer: announced, jwks_uri: jwksUri } = (document ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
    // §4.3: the document's issuer must be the one asked for, or its keys could vouch for another issuer's tokens.
    if (announced !== issuer) {
      this.failed('oidc-discovery', new Error('the discovery document names another issuer'));
      throw unavailable("the identity provider's discovery document names another issuer than AUTH_OIDC_ISSUER");
    }
    if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri) || new URL(jwksUri).protocol !== 'https:') {
      this.failed('oidc-discovery', new Error('the discovery document names no https jwks_uri'));
      throw unavailable("the identity provider's discovery document names no https jwks_uri");
    }
    return new URL(jwksUri);
  }

  /** Logged once per outage: while the provider is down every token would repeat the same line. */
  private failed(step: 'jwks' | 'oidc-discovery', error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    this.logger.warn({ event: 'auth.idp.unavailable', step, detail: describe(error) });
  }

  private recovered(): void {
    if (!this.failing) return;
    this.failing = false;
    this.logger.log({ event: 'auth.idp.recovered' });
  }
}

function unavailable(message: string): ApiError {
  return new ApiError(503, 'AuthUnavailable', message);
}

/** A fetch failure in a few words: undici hides the reason (ECONNREFUSED, a TLS error) in `cause`. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const why = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : '';
  return why ? `${error.message}: ${why}` : error.message;
}
