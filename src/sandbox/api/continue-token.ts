import { KubeStatusError } from '../kube-status-error.js';

/**
 * The continue token of a paged list, in the API server's format (apiserver/pkg/storage/continue.go, v0.35):
 * base64url (no padding) of `{"v":"meta.k8s.io/v1","rv":<list resourceVersion>,"start":"<next key>"}`, the key
 * being the last returned key followed by a NUL byte.
 */
export interface ContinueToken {
  rv: number;
  start: string;
}

export function encodeContinue(rv: number, lastKey: string): string {
  const json = JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: `${lastKey}\u0000` });
  return Buffer.from(json).toString('base64url');
}

export function decodeContinue(token: string): ContinueToken {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidContinue('illegal base64 data or malformed JSON');
  }
  const { v, rv, start } = (decoded ?? {}) as { v?: unknown; rv?: unknown; start?: unknown };
  if (v !== 'meta.k8s.io/v1') throw invalidContinue('server does not recognize this encoded version');
  if (typeof rv !== 'number' || !Number.isInteger(rv) || rv <= 0)
    throw invalidContinue('incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof start !== 'string' || start.length === 0) throw invalidContinue('encoded key is empty');
  if (start.includes('..') || start.startsWith('/')) throw invalidContinue('continue key is not valid: invalid path');
  return { rv, start };
}

function invalidContinue(reason: string): KubeStatusError {
  return KubeStatusError.badRequest(`continue key is not valid: ${reason}`);
}
