import { createDecipheriv, hkdfSync } from 'node:crypto';
import { ApiError } from '../common/errors/api-error.js';
import { CredentialsCipher, CredentialsDecryptionError } from './credentials-cipher.js';

const KEY = 'a-test-encryption-key-of-at-least-32-characters';
const OTHER_KEY = 'another-test-encryption-key-of-32-characters-plus';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.secret-service-account-token';
const CREDENTIALS = { token: TOKEN, caCert: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' };

const cipherWith = (encryptionKey: string | undefined) => new CredentialsCipher({ encryptionKey });

/** Every way the plaintext could show: as is, as JSON, as base64 or base64url. */
function plaintextForms(text: string): string[] {
  return [text, JSON.stringify(text), Buffer.from(text).toString('base64'), Buffer.from(text).toString('base64url')];
}

function replacePart(blob: string, index: number, replace: (part: string) => string): string {
  const parts = blob.split('.');
  parts[index] = replace(parts[index]);
  return parts.join('.');
}

function flipFirstByte(base64url: string): string {
  const bytes = Buffer.from(base64url, 'base64url');
  bytes[0] ^= 0x01;
  return bytes.toString('base64url');
}

describe(CredentialsCipher.name, () => {
  const cipher = cipherWith(KEY);

  it('gives back what it encrypted', () => {
    expect(cipher.decrypt(cipher.encrypt(CREDENTIALS))).toEqual(CREDENTIALS);
    expect(cipher.decrypt(cipher.encrypt(CREDENTIALS, 'clusters/prod'), 'clusters/prod')).toEqual(CREDENTIALS);
  });

  it('writes a versioned, self-describing blob that holds no plaintext', () => {
    const blob = cipher.encrypt(CREDENTIALS);
    expect(blob).toMatch(/^v1\.aes-256-gcm\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    for (const form of [...plaintextForms(TOKEN), ...plaintextForms('BEGIN CERTIFICATE'), 'token']) {
      expect(blob).not.toContain(form);
    }
  });

  it('uses a fresh IV for every blob', () => {
    const blobs = Array.from({ length: 20 }, () => cipher.encrypt(CREDENTIALS));
    expect(new Set(blobs.map((blob) => blob.split('.')[3])).size).toBe(20);
  });

  it('is AES-256-GCM under HKDF-SHA256 of ENCRYPTION_KEY with the documented salt and info', () => {
    // An independent decryption from the documented format: what a key-rotation script would do.
    const [, , , iv, ciphertext, tag] = cipher.encrypt(CREDENTIALS, 'clusters/prod').split('.');
    const key = Buffer.from(
      hkdfSync('sha256', KEY, 'pod-api/credentials-cipher/v1', 'aes-256-gcm key for stored cluster credentials', 32),
    );
    const keyId = Buffer.from(
      hkdfSync('sha256', KEY, 'pod-api/credentials-cipher/v1', 'key id for stored cluster credentials', 6),
    ).toString('base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`v1.aes-256-gcm.${keyId}\nclusters/prod`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plaintext = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
    expect(JSON.parse(plaintext.toString('utf8'))).toEqual(CREDENTIALS);
  });

  describe('refuses to decrypt, saying why and never what', () => {
    const blob = cipher.encrypt(CREDENTIALS, 'clusters/prod');

    it.each([
      {
        case: 'another ENCRYPTION_KEY',
        decrypt: () => cipherWith(OTHER_KEY).decrypt(blob, 'clusters/prod'),
        why: /different ENCRYPTION_KEY/,
      },
      {
        case: 'another context (a blob copied to another cluster)',
        decrypt: () => cipher.decrypt(blob, 'clusters/dev'),
        why: /integrity/,
      },
      { case: 'no context', decrypt: () => cipher.decrypt(blob), why: /integrity/ },
      {
        case: 'an altered ciphertext',
        decrypt: () => cipher.decrypt(replacePart(blob, 4, flipFirstByte), 'clusters/prod'),
        why: /integrity/,
      },
      {
        case: 'an altered tag',
        decrypt: () => cipher.decrypt(replacePart(blob, 5, flipFirstByte), 'clusters/prod'),
        why: /integrity/,
      },
      {
        case: 'an altered IV',
        decrypt: () => cipher.decrypt(replacePart(blob, 3, flipFirstByte), 'clusters/prod'),
        why: /integrity/,
      },
      {
        case: 'a truncated tag',
        decrypt: () =>
          cipher.decrypt(
            replacePart(blob, 5, (tag) => tag.slice(0, 10)),
            'clusters/prod',
          ),
        why: /malformed/,
      },
      {
        case: 'a missing part',
        decrypt: () => cipher.decrypt(blob.split('.').slice(0, 5).join('.'), 'clusters/prod'),
        why: /malformed/,
      },
      {
        case: 'an unknown version',
        decrypt: () => cipher.decrypt(blob.replace(/^v1/, 'v9'), 'clusters/prod'),
        why: /not a known credentials format/,
      },
      {
        case: 'plaintext JSON',
        decrypt: () => cipher.decrypt(JSON.stringify(CREDENTIALS)),
        why: /not a known credentials format/,
      },
    ])('$case', ({ decrypt, why }) => {
      let thrown: unknown;
      try {
        decrypt();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(CredentialsDecryptionError);
      const error = thrown as CredentialsDecryptionError;
      expect(error).toMatchObject({ status: 502, reason: 'ClusterUnreachable' });
      expect(error.message).toMatch(why);
      for (const form of plaintextForms(TOKEN)) expect(`${error.message} ${error.stack}`).not.toContain(form);
    });
  });

  describe('without ENCRYPTION_KEY', () => {
    const keyless = cipherWith(undefined);

    it('says it cannot encrypt', () => {
      expect(keyless.canEncrypt).toBe(false);
      expect(cipher.canEncrypt).toBe(true);
    });

    it('refuses to store credentials with 503', () => {
      expect(() => keyless.encrypt(CREDENTIALS)).toThrow(
        new ApiError(503, 'NotConfigured', 'cannot store cluster credentials: ENCRYPTION_KEY is not configured'),
      );
      expect(() => keyless.encrypt(CREDENTIALS)).toThrow(
        expect.objectContaining({ status: 503, reason: 'NotConfigured' }),
      );
    });

    it('refuses to read stored credentials with 503', () => {
      expect(() => keyless.decrypt(cipher.encrypt(CREDENTIALS))).toThrow(
        expect.objectContaining({
          status: 503,
          reason: 'NotConfigured',
          message: 'cannot read stored cluster credentials: ENCRYPTION_KEY is not configured',
        }),
      );
    });
  });
});
