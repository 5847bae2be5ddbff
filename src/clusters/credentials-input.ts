import { X509Certificate } from 'node:crypto';
import { ApiError } from '../common/errors/api-error.js';

/*
 * Credentials arrive as the contract allows them: kubeconfig as raw YAML or base64, CA certificates as PEM or
 * base64 (of PEM or DER). Errors name the field and the problem, never the value.
 */

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$|^[A-Za-z0-9_-]+$/;

/** Kubeconfig text from raw YAML or its base64 encoding. */
export function decodeKubeconfigInput(value: string): string {
  // Every kubeconfig holds "key: value" lines, and base64 never contains a colon.
  if (value.includes(':')) return value;
  return decodeBase64('kubeConfig', value, 'is neither kubeconfig YAML nor valid base64');
}

/** One or more PEM certificates, from PEM or base64 of PEM or DER; each must parse as X.509. */
export function decodeCaCertInput(value: string): string {
  const pem = value.includes('-----BEGIN') ? value : pemFromBase64(value);
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw ApiError.badRequest('caCert holds no PEM certificate');
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw ApiError.badRequest('caCert holds a certificate that cannot be parsed');
    }
  }
  return `${blocks.join('\n')}\n`;
}

function pemFromBase64(value: string): string {
  const decoded = decodeBase64Bytes('caCert', value, 'is neither PEM nor valid base64');
  const text = decoded.toString('utf8');
  if (text.includes('-----BEGIN')) return text;
  try {
    return new X509Certificate(decoded).toString(); // DER
  } catch {
    throw ApiError.badRequest('caCert holds a certificate that cannot be parsed');
  }
}

function decodeBase64(field: string, value: string, problem: string): string {
  return decodeBase64Bytes(field, value, problem).toString('utf8');
}

function decodeBase64Bytes(field: string, value: string, problem: string): Buffer {
  const compact = value.trim().replace(/[\r\n]+/g, ''); // line-wrapped base64 is common; spaces are not base64
  if (compact.length === 0 || !BASE64.test(compact)) throw ApiError.badRequest(`${field} ${problem}`);
  const bytes = Buffer.from(compact, compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64');
  // Node skips characters it cannot decode; a round trip proves nothing was skipped.
  const canonical = bytes
    .toString(compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64')
    .replace(/=+$/, '');
  if (canonical !== compact.replace(/=+$/, '')) throw ApiError.badRequest(`${field} ${problem}`);
  return bytes;
}
