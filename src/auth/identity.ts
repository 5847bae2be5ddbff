/**
 * Who is calling (api.md §6), as authentication settled it: the same shape for HTTP requests and WebSocket upgrades,
 * read by the access decision, the audit log and `GET /api/auth/me`.
 */
export interface Identity {
  /**
   * How the caller proved who they are: a signed JWT (`user`), a static API token from the grants file (`token`),
   * or nothing, with `AUTH_MODE=none` (`anonymous`).
   */
  kind: 'user' | 'token' | 'anonymous';
  /** A JWT's `sub`, a token's name, or `anonymous`. */
  name: string;
  /** The JWT's groups (the claim named by `AUTH_GROUPS_CLAIM`); none for a token or anonymous. */
  groups: readonly string[];
}

/** The caller when authentication is off (`AUTH_MODE=none`, loopback only): every role everywhere. */
export const ANONYMOUS: Identity = Object.freeze({ kind: 'anonymous', name: 'anonymous', groups: Object.freeze([]) });

/** How the audit log names a caller: `user:alice`, `token:portal`, or `anonymous`. */
export function callerName(identity: Identity): string {
  return identity.kind === 'anonymous' ? 'anonymous' : `${identity.kind}:${identity.name}`;
}
