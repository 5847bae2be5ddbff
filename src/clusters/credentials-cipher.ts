import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ApiError } from '../common/errors/api-error.js';
import { databaseConfig, type DatabaseConfig } from '../config/database.config.js';

/**
 * Blob format v1: `v1.aes-256-gcm.<keyId>.<iv>.<ciphertext>.<tag>`, each part base64url (no padding).
 * - key: HKDF-SHA256(ENCRYPTION_KEY as UTF-8, salt `KEY_SALT`, info `KEY_INFO`, 32 bytes);
 * - keyId: HKDF-SHA256 of the same secret with info `KEY_ID_INFO`, 6 bytes: tells "another ENCRYPTION_KEY" apart
 *   from "damaged" without revealing anything about the key;
 * - iv: 12 random bytes per blob; tag: GCM's 16 bytes;
 * - additional authenticated data: `v1.aes-256-gcm.<keyId>` plus, when given, `\n<context>` (the repository binds
 *   each blob to its cluster id, so a blob copied onto another row fails to decrypt).
 * The plaintext is the value as JSON. Salt and info are fixed and public, as HKDF allows; the secret is the key.
 * A new format gets a new version prefix; `decrypt` keeps reading the old ones.
 */
const FORMAT = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_SALT = 'pod-api/credentials-cipher/v1';
const KEY_INFO = 'aes-256-gcm key for stored cluster credentials';
const KEY_ID_INFO = 'key id for stored cluster credentials';
const KEY_BYTES = 32;
const KEY_ID_BYTES = 6;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Stored credentials that cannot be turned back into plaintext. The message says why, never what. A cluster whose
 * credentials cannot be read cannot be reached: 502 `ClusterUnreachable`, as for credentials that cannot be loaded.
 */
export class CredentialsDecryptionError extends ApiError {
  constructor(
    readonly why: string,
    clusterId?: string,
  ) {
    const whose = clusterId === undefined ? 'stored cluster credentials' : `credentials of cluster "${clusterId}"`;
    super(502, 'ClusterUnreachable', `${whose} cannot be decrypted: ${why}`);
    this.name = 'CredentialsDecryptionError';
  }
}

/**
 * Encrypts cluster credentials for the store with AES-256-GCM under a key derived from `ENCRYPTION_KEY`.
 * Without `ENCRYPTION_KEY` it refuses both ways (503): credentials are never stored or read in plaintext.
 * Changing `ENCRYPTION_KEY` makes existing blobs unreadable: rotating means decrypting with the old value and
 * encrypting with the new one.
 */
@Injectable()
export class CredentialsCipher {
  private readonly key?: { secret: Buffer; id: string };

  constructor(@Inject(databaseConfig.KEY) config: Pick<DatabaseConfig, 'encryptionKey'>) {
    if (config.encryptionKey === undefined) return;
    this.key = {
      secret: derive(config.encryptionKey, KEY_INFO, KEY_BYTES),
      id: derive(config.encryptionKey, KEY_ID_INFO, KEY_ID_BYTES).toString('base64url'),
    };
  }

  /** Whether `ENCRYPTION_KEY` is configured. */
  get canEncrypt(): boolean {
    return this.key !== undefined;
  }

  /** The value as a self-describing text blob; `context` (not secret, not stored) must be given again to decrypt. */
  encrypt(value: object, context?: string): string {
    if (!this.key) {
      throw new ApiError(503, 'NotConfigured', 'cannot store cluster credentials: ENCRYPTION_KEY is not configured');
    }
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key.secret, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(this.key.id, context));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return [FORMAT, ALGORITHM, this.key.id, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** The value `encrypt` was given; `CredentialsDecryptionError` for a blob of another key, altered or malformed. */
  decrypt(blob: string, context?: string): object {
    if (!this.key) {
      throw new ApiError(
        503,
        'NotConfigured',
        'cannot read stored cluster credentials: ENCRYPTION_KEY is not configured',
      );
    }
    const parts = blob.split('.');
    if (parts[0] !== FORMAT) throw new CredentialsDecryptionError('not a known credentials format');
    const [, algorithm, keyId, iv, ciphertext, tag] = parts;
    if (parts.length !== 6 || algorithm !== ALGORITHM || !isBase64Url(iv, IV_BYTES) || !isBase64Url(tag, TAG_BYTES)) {
      throw new CredentialsDecryptionError('the stored value is malformed');
    }
    if (keyId !== this.key.id) {
      throw new CredentialsDecryptionError('they were encrypted with a different ENCRYPTION_KEY');
    }
    let plaintext: string;
    try {
      const decipher = createDecipheriv(ALGORITHM, this.key.secret, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(associatedData(keyId, context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      plaintext = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      // Node says only "Unsupported state or unable to authenticate data"; nothing of the plaintext is released.
      throw new CredentialsDecryptionError('they fail their integrity check (altered, or stored for another record)');
    }
    const value: unknown = JSON.parse(plaintext);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new CredentialsDecryptionError('they do not hold a JSON object');
    }
    return value;
  }
}

function derive(secret: string, info: string, bytes: number): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), KEY_SALT, info, bytes));
}

function associatedData(keyId: string, context: string | undefined): Buffer {
  return Buffer.from(`${FORMAT}.${ALGORITHM}.${keyId}${context === undefined ? '' : `\n${context}`}`, 'utf8');
}

function isBase64Url(text: string | undefined, bytes: number): text is string {
  return text !== undefined && /^[A-Za-z0-9_-]*$/.test(text) && Buffer.from(text, 'base64url').length === bytes;
}
