import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';

/** A static API token's entry in a grants file: its name and the SHA-256 of the token, as the file stores it. */
export function tokenEntry(name: string, token: string): { name: string; sha256: string } {
  return { name, sha256: createHash('sha256').update(token).digest('hex') };
}

/** An HS256 JWT for `sub` signed with `secret`, valid now unless told otherwise. */
export function signJwt(
  secret: string,
  sub: string,
  claims: Record<string, unknown> = {},
  expiresIn: string | number = '5m',
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
