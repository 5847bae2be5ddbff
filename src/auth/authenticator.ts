import { ApiError } from '../common/errors/api-error.js';
import type { AuthConfig, AuthMode } from '../config/auth.config.js';
import { findApiToken } from './api-tokens.js';
import type { GrantsSource } from './grants.js';
import { ANONYMOUS, type Identity } from './identity.js';
import { JwtVerifier } from './jwt-verifier.js';
import type { Fetch } from './remote-keys.js';

/** Settles who is calling from the bearer token of a request or a WebSocket upgrade (api.md §6). */
export abstract class Authenticator {
  /**
   * The caller behind `token` (none: no token was sent). Throws ApiError 401 `Unauthorized` for a missing token where
   * one is needed and for a token that does not check out, 503 `AuthUnavailable` while the identity provider's keys
   * cannot be fetched. Messages say what is wrong, never what the token holds.
   */
  abstract authenticate(token: string | undefined): Promise<Identity>;
}

export interface AuthenticatorSeams {
  /** How the identity provider is reached (tests trust their own CA); the global fetch otherwise. */
  fetch?: Fetch;
}

/** Three base64url parts; the signature is empty for `alg: none`, which is then refused by name. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * The modes of AUTH_MODE together. Without a token: anonymous when `none` is on, else 401. With one: a static API
 * token from the grants file (compared first, in constant time, so a token that happens to look like a JWT still
 * works), then a JWT when `jwt` is on. A token that fails is refused even when `none` is on: falling back to
 * anonymous would hide an expired or forged token. Only where no mode can check a token (`none` alone) is it ignored.
 */
export class ModeAuthenticator extends Authenticator {
  private readonly modes: ReadonlySet<AuthMode>;
  private readonly jwt?: JwtVerifier;

  constructor(
    config: AuthConfig,
    private readonly grants: GrantsSource,
    seams: AuthenticatorSeams = {},
  ) {
    super();
    this.modes = new Set(config.modes);
    const fetch = seams.fetch ?? ((input, init) => globalThis.fetch(input, init));
    if (this.modes.has('jwt')) this.jwt = new JwtVerifier(config.jwt, fetch);
  }

  async authenticate(token: string | undefined): Promise<Identity> {
    if (token === undefined) {
      if (this.modes.has('none')) return ANONYMOUS;
      throw unauthorized('authentication required: send Authorization: Bearer <token>');
    }
    if (this.modes.has('token')) {
      const apiToken = findApiToken(token, this.grants.current().tokens);
      if (apiToken) return { kind: 'token', name: apiToken.name, groups: [] };
    }
    if (this.jwt && JWT_SHAPE.test(token)) return this.jwt.verify(token);
    if (!this.modes.has('jwt') && !this.modes.has('token')) return ANONYMOUS;
    throw unauthorized(this.unknownTokenMessage());
  }

  private unknownTokenMessage(): string {
    if (!this.modes.has('token')) return 'the token is not a JWT';
    if (!this.modes.has('jwt')) return 'the token is not a known API token';
    return 'the token is neither a JWT nor a known API token';
  }
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, 'Unauthorized', message);
}
