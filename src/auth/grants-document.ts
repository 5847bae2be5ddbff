import { PlainYamlError, readPlainYaml } from '../clusters/kube/plain-yaml.js';
import { isDnsSubdomain } from '../common/kube/names.js';
import { ROLES, type Role } from './access.decorators.js';
import type { ApiToken, Grant, GrantsDocument, GrantSubject } from './grants.js';

/**
 * What one grants file may cost to read. A grant in block style is a few dozen YAML tokens, so these bounds leave room
 * for thousands of grants and keep any file from holding the event loop.
 */
export const GRANTS_FILE_LIMITS = { maxBytes: 1024 * 1024, maxTokens: 250_000, maxDepth: 16 } as const;

/** Problems listed in one error; a file broken everywhere is not worth a longer log line. */
const MAX_PROBLEMS = 10;

/**
 * A grants file that cannot be used, with every problem found (up to a bound), each naming the field's path
 * (`grants[2].role: must be one of viewer, operator, admin`). No problem quotes a value of the file: its token
 * hashes stay out of logs and error messages.
 */
export class GrantsDocumentError extends Error {
  constructor(
    /** Where the text came from, as the messages name it (`AUTH_GRANTS_FILE (/etc/pod-api/grants.yaml)`). */
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source}: ${problems.join('; ')}`);
    this.name = 'GrantsDocumentError';
  }
}

/**
 * Reads and validates a grants file (api.md §6), YAML or JSON: `tokens` (optional list of `{name, sha256}`; names
 * unique, hashes 64 hex characters, returned in lower case) and `grants` (optional list of `{subject, role, clusters,
 * namespaces}`; the subject exactly one of `user`, `group`, `token`, a token subject naming one of `tokens`). Unknown
 * fields are refused, so that a misspelt `namespace:` cannot widen or narrow a grant unnoticed. Throws
 * `GrantsDocumentError`; the document returned is frozen.
 *
 * The text is read by `readPlainYaml`: no anchors or aliases (the "billion laughs"), tags, merge keys or repeated keys,
 * and bounded work. An empty text is refused rather than read as "no grants": it is what a reader sees halfway
 * through an editor's write, and taking it would lock everyone out until the next change.
 */
export function parseGrantsDocument(text: string, source: string): GrantsDocument {
  if (Buffer.byteLength(text, 'utf8') > GRANTS_FILE_LIMITS.maxBytes) {
    throw new GrantsDocumentError(source, [
      `larger than the limit of ${GRANTS_FILE_LIMITS.maxBytes / 1024 / 1024} MiB`,
    ]);
  }
  let value: unknown;
  try {
    value = readPlainYaml(text, GRANTS_FILE_LIMITS);
  } catch (error) {
    if (!(error instanceof PlainYamlError)) throw error;
    throw new GrantsDocumentError(source, [
      error.kind === 'invalid' ? `not valid YAML or JSON (${error.message})` : `${error.message}, which is refused`,
    ]);
  }
  if (value === null) throw new GrantsDocumentError(source, ['empty (write {} for a file that grants nothing)']);
  const problems = new Problems();
  const document = readDocument(value, problems);
  if (!document || problems.count > 0) throw new GrantsDocumentError(source, problems.list());
  return document;
}

class Problems {
  private readonly found: string[] = [];

  get count(): number {
    return this.found.length;
  }

  add(path: string, message: string): void {
    this.found.push(path ? `${path}: ${message}` : message);
  }

  list(): string[] {
    if (this.found.length <= MAX_PROBLEMS) return [...this.found];
    return [...this.found.slice(0, MAX_PROBLEMS), `and ${this.found.length - MAX_PROBLEMS} more`];
  }
}

type Fields = Record<string, unknown>;

function readDocument(value: unknown, problems: Problems): GrantsDocument | undefined {
  const fields = readFields(value, '', ['tokens', 'grants'], problems);
  if (!fields) return undefined;
  const tokens = readList(fields, 'tokens', '', problems, readToken) ?? [];
  refuseRepeatedTokens(tokens, problems);
  const names = namesOfTokens(fields.tokens);
  const grants = readList(fields, 'grants', '', problems, (item, path) => readGrant(item, path, names, problems)) ?? [];
  return Object.freeze({
    tokens: Object.freeze(tokens.map(({ item }) => item)) as ApiToken[],
    grants: Object.freeze(grants.map(({ item }) => item)) as Grant[],
  });
}

/** The names the `tokens` list gives, valid entries or not: a grant naming a broken token is not a second problem. */
function namesOfTokens(tokens: unknown): Set<string> {
  if (!Array.isArray(tokens)) return new Set();
  return new Set(
    tokens.flatMap((token: unknown) => {
      const name = typeof token === 'object' && token !== null ? (token as Fields).name : undefined;
      return typeof name === 'string' ? [name] : [];
    }),
  );
}

/** An item read from a list, with its path for later problems. */
interface Read<T> {
  item: T;
  path: string;
}

function readToken(value: unknown, path: string, problems: Problems): ApiToken | undefined {
  const fields = readFields(value, path, ['name', 'sha256'], problems);
  if (!fields) return undefined;
  const name = readString(fields, 'name', path, problems);
  const sha256 = readString(fields, 'sha256', path, problems);
  const validName = name !== undefined && isDnsSubdomain(name);
  if (name !== undefined && !validName) {
    problems.add(
      `${path}.name`,
      "must be lower case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters",
    );
  }
  const validHash = sha256 !== undefined && /^[0-9a-fA-F]{64}$/.test(sha256);
  if (sha256 !== undefined && !validHash) {
    problems.add(`${path}.sha256`, "must be the token's SHA-256 as 64 hexadecimal characters");
  }
  return validName && validHash ? Object.freeze({ name, sha256: sha256.toLowerCase() }) : undefined;
}

/**
 * Two tokens of one name would leave the caller's name ambiguous; two of one hash, which of the names a caller
 * presenting that token is.
 */
function refuseRepeatedTokens(tokens: Read<ApiToken>[], problems: Problems): void {
  const byName = new Map<string, string>();
  const byHash = new Map<string, string>();
  for (const { item: token, path } of tokens) {
    const sameName = byName.get(token.name);
    if (sameName) problems.add(`${path}.name`, `repeats the name of ${sameName}`);
    else byName.set(token.name, path);
    const sameHash = byHash.get(token.sha256);
    if (sameHash) problems.add(`${path}.sha256`, `repeats the sha256 of ${sameHash}`);
    else byHash.set(token.sha256, path);
  }
}

const SUBJECT_KINDS = ['user', 'group', 'token'] as const;

function readGrant(value: unknown, path: string, tokenNames: Set<string>, problems: Problems): Grant | undefined {
  const fields = readFields(value, path, ['subject', 'role', 'clusters', 'namespaces'], problems);
  if (!fields) return undefined;
  const subject = readSubject(fields, path, tokenNames, problems);
  const role = readRole(fields, path, problems);
  const clusters = readGlobs(fields, 'clusters', path, problems);
  const namespaces = readGlobs(fields, 'namespaces', path, problems);
  if (!subject || !role || !clusters || !namespaces) return undefined;
  return Object.freeze({ subject, role, clusters, namespaces });
}

function readSubject(
  grant: Fields,
  parent: string,
  tokenNames: Set<string>,
  problems: Problems,
): GrantSubject | undefined {
  const path = `${parent}.subject`;
  if (!present(grant, 'subject', parent, problems)) return undefined;
  const fields = readFields(grant.subject, path, SUBJECT_KINDS, problems);
  if (!fields) return undefined;
  const kinds = SUBJECT_KINDS.filter((kind) => Object.hasOwn(fields, kind));
  if (kinds.length !== 1) {
    problems.add(path, 'must name exactly one of user, group, token');
    return undefined;
  }
  const [kind] = kinds;
  const name = readString(fields, kind, path, problems);
  if (name === undefined) return undefined;
  if (kind === 'token' && !tokenNames.has(name)) {
    problems.add(`${path}.token`, 'names no token of tokens');
    return undefined;
  }
  return Object.freeze({ [kind]: name } as GrantSubject);
}

function readRole(grant: Fields, parent: string, problems: Problems): Role | undefined {
  if (!present(grant, 'role', parent, problems)) return undefined;
  const role = grant.role;
  if (typeof role === 'string' && (ROLES as readonly string[]).includes(role)) return role as Role;
  problems.add(`${parent}.role`, `must be one of ${ROLES.join(', ')}`);
  return undefined;
}

function readGlobs(grant: Fields, key: string, parent: string, problems: Problems): string[] | undefined {
  if (!present(grant, key, parent, problems)) return undefined;
  const value = grant[key];
  if (Array.isArray(value) && value.length === 0) {
    problems.add(`${parent}.${key}`, 'must list at least one glob ("*" for all)');
    return undefined;
  }
  const globs = readList(grant, key, parent, problems, (item, path) => {
    if (typeof item === 'string' && item !== '') return item;
    problems.add(path, `must be a non-empty glob${typeNote(item)}`);
    return undefined;
  });
  if (!globs || globs.length !== (value as unknown[]).length) return undefined;
  return Object.freeze(globs.map(({ item }) => item)) as string[];
}

/** The mapping's fields; a field not in `known` is a problem, named only when it looks like a field name. */
function readFields(value: unknown, path: string, known: readonly string[], problems: Problems): Fields | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.add(path, `must be a mapping of ${known.join(', ')}${typeNote(value)}`);
    return undefined;
  }
  const fields = value as Fields;
  let valid = true;
  for (const key of Object.keys(fields)) {
    if (known.includes(key)) continue;
    // A key that does not look like a field name may be a value on the wrong line, such as a token hash.
    const named = /^[A-Za-z_][A-Za-z0-9_-]{0,31}$/.test(key) ? `${path ? `${path}.` : ''}${key}` : path;
    problems.add(
      named,
      `${named === path ? 'has an unknown field' : 'unknown field'}; the fields are ${known.join(', ')}`,
    );
    valid = false;
  }
  return valid ? fields : undefined;
}

/**
 * The list under `key`, each item read by `readItem`; undefined when the field is absent (it is optional) or
 * broken. Items that fail are left out after their problem is added.
 */
function readList<T>(
  fields: Fields,
  key: string,
  parent: string,
  problems: Problems,
  readItem: (item: unknown, path: string, problems: Problems) => T | undefined,
): Read<T>[] | undefined {
  const path = parent ? `${parent}.${key}` : key;
  if (!Object.hasOwn(fields, key)) return undefined;
  const value = fields[key];
  if (!Array.isArray(value)) {
    problems.add(path, `must be a list${typeNote(value)}`);
    return undefined;
  }
  const items: Read<T>[] = [];
  value.forEach((item: unknown, index) => {
    const itemPath = `${path}[${index}]`;
    const read = readItem(item, itemPath, problems);
    if (read !== undefined) items.push({ item: read, path: itemPath });
  });
  return items;
}

/** Whether a required field is there; adds the problem when it is not. */
function present(fields: Fields, key: string, parent: string, problems: Problems): boolean {
  if (Object.hasOwn(fields, key)) return true;
  problems.add(`${parent}.${key}`, 'is required');
  return false;
}

function readString(fields: Fields, key: string, parent: string, problems: Problems): string | undefined {
  if (!present(fields, key, parent, problems)) return undefined;
  const value = fields[key];
  if (typeof value === 'string' && value !== '') return value;
  problems.add(`${parent}.${key}`, `must be a non-empty string${typeNote(value)}`);
  return undefined;
}

/** What a value of the wrong type is, so the message can say what to change, without quoting it. */
function typeNote(value: unknown): string {
  if (value === null) return ', not empty';
  if (Array.isArray(value)) return ', not a list';
  switch (typeof value) {
    case 'string':
      return value === '' ? ', not empty' : ', not a string';
    case 'number':
    case 'boolean':
      // An unquoted hash of digits, `1234` or `true` reads as a number or a boolean in YAML.
      return `, not a ${typeof value} (quote it)`;
    case 'object':
      return ', not a mapping';
    default:
      return '';
  }
}
