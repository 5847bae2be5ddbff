import {
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type CryptoKey,
  type JWTPayload,
  type JWTVerifyOptions,
  type KeyObject,
} from 'jose';
import { ApiError } from '../common/errors/api-error.js';
import type { JwtSettings } from '../config/auth.config.js';
import type { Identity } from './identity.js';
import { RemoteKeys, type Fetch, type KeySet } from './remote-keys.js';

/**
 * Algorithms per key source, so that a token's `alg` header can never pick a key of the wrong kind: `none` is in
 * neither list, and an HS256 token is checked with AUTH_JWT_SECRET only, never with an identity provider's public key
 * taken as an HMAC secret. The provider's keys take any public-key algorithm: each key is used only with the
 * algorithm and key type its JWK states.
 */
const SECRET_ALGORITHMS = ['HS256'];
const PUBLIC_KEY_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

/** Checks a signed JWT (api.md §6) and names its caller: `sub`, and the groups of AUTH_GROUPS_CLAIM. */
export class JwtVerifier {
  private readonly secret?: Uint8Array;
  private readonly remote?: RemoteKeys;

  constructor(
    private readonly settings: JwtSettings,
    fetch: Fetch,
  ) {
    this.secret = settings.secret === undefined ? undefined : new TextEncoder().encode(settings.secret);
    this.remote = RemoteKeys.from(settings, fetch);
  }

  async verify(token: string): Promise<Identity> {
    const claims = await this.verifiedClaims(token);
    return { kind: 'user', name: subjectOf(claims), groups: groupsOf(claims, this.settings.groupsClaim) };
  }

  private async verifiedClaims(token: string): Promise<JWTPayload> {
    const algorithm = algorithmOf(token);
    try {
      if (this.secret && SECRET_ALGORITHMS.includes(algorithm)) {
        const { payload } = await jwtVerify(token, this.secret, this.options(SECRET_ALGORITHMS, this.settings.issuer));
        return payload;
      }
      if (this.remote && PUBLIC_KEY_ALGORITHMS.includes(algorithm)) {
        const keys = await this.remote.keys();
        return await verifyWithKeySet(token, keys, this.options(PUBLIC_KEY_ALGORITHMS, keys.issuer));
      }
    } catch (error) {
      throw refusalOf(error);
    }
    throw unauthorized("the token's signing algorithm is not accepted");
  }

  private options(algorithms: string[], issuer: string | undefined): JWTVerifyOptions {
    return {
      algorithms,
      issuer,
      audience: this.settings.audience,
      clockTolerance: this.settings.clockSkewSeconds,
      requiredClaims: ['exp', 'sub'],
    };
  }
}

function algorithmOf(token: string): string {
  try {
    const { alg } = decodeProtectedHeader(token);
    return typeof alg === 'string' ? alg : '';
  } catch {
    throw unauthorized('the token is not a valid JWT');
  }
}

/**
 * A token without `kid` that several keys of its type could have signed: jose hands the candidates over in its
 * error, and each is tried in turn.
 */
async function verifyWithKeySet(token: string, keys: KeySet, options: JWTVerifyOptions): Promise<JWTPayload> {
  try {
    return (await jwtVerify(token, keys.getKey, options)).payload;
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
    for await (const key of error as AsyncIterable<KeyObject | CryptoKey>) {
      try {
        return (await jwtVerify(token, key, options)).payload;
      } catch (inner) {
        if (!(inner instanceof errors.JWSSignatureVerificationFailed)) throw inner;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

/** jose's verdicts as 401s that say what is wrong with the token, never what it holds. */
function refusalOf(error: unknown): unknown {
  if (error instanceof errors.JWTExpired) return unauthorized('the token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    // `claim` is one of the claims checked here (exp, nbf, iss, aud, sub), never a value from the token.
    if (error.reason === 'missing') return unauthorized(`the token has no "${error.claim}" claim`);
    if (error.claim === 'nbf') return unauthorized('the token is not valid yet (nbf)');
    if (error.claim === 'iss') return unauthorized("the token's issuer is not accepted");
    if (error.claim === 'aud') return unauthorized('the token was not issued for this service (aud)');
    return unauthorized(`the token's "${error.claim}" claim is not valid`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return unauthorized("the token's signature is not valid");
  if (error instanceof errors.JOSEAlgNotAllowed) return unauthorized("the token's signing algorithm is not accepted");
  if (error instanceof errors.JWKSNoMatchingKey) {
    return unauthorized("no key of the token's issuer matches its key id (kid)");
  }
  if (error instanceof errors.JOSEError) return unauthorized('the token is not a valid JWT');
  return error; // ApiError 503 from the key set, or a fault of ours
}

function subjectOf(claims: JWTPayload): string {
  if (typeof claims.sub !== 'string' || claims.sub === '') {
    throw unauthorized('the token\'s "sub" claim must be a non-empty string');
  }
  return claims.sub;
}

/**
 * One group as a string, or a list of strings, as the Kubernetes API server reads its groups claim; anything else
 * refuses the token rather than dropping what cannot be read, as the API server does too. An own property only: a
 * claim name such as `constructor` must not reach the object's prototype.
 */
function groupsOf(claims: JWTPayload, claim: string): string[] {
  const value = Object.hasOwn(claims, claim) ? claims[claim] : undefined;
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((group) => typeof group === 'string')) return value;
  throw unauthorized(`the token's "${claim}" claim must be a string or a list of strings`);
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, 'Unauthorized', message);
}
