import type { Role } from './access.decorators.js';

/*
 * The grants file's content (api.md §6, `AUTH_GRANTS_FILE`, YAML or JSON): the static API tokens for integrations,
 * and who holds which role where.
 */

/** A static API token: its name (the caller's name) and the lowercase hex SHA-256 of the token itself. */
export interface ApiToken {
  name: string;
  sha256: string;
}

/** Whom a grant is for: a JWT's `sub`, a group of the JWT's groups claim, or a token's name. */
export type GrantSubject = { user: string } | { group: string } | { token: string };

export interface Grant {
  subject: GrantSubject;
  role: Role;
  /** Globs over cluster ids (`*` any run of characters, `?` one). */
  clusters: string[];
  /** Globs over namespaces; `*` also covers cluster-scoped lists. */
  namespaces: string[];
}

export interface GrantsDocument {
  tokens: ApiToken[];
  grants: Grant[];
}

/** The grants in force: the last good grants file (re-read when it changes), or none. */
export abstract class GrantsSource {
  abstract current(): GrantsDocument;
}
