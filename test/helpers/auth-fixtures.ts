import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * The files an authenticated test app is started with, written in `dir`: the simulator's kubeconfig, whose one
 * context becomes cluster `clusterId`, and the grants file.
 */
export function writeAuthFiles(
  dir: string,
  sandbox: { kubeconfig(options: { contextName: string }): string },
  grants: unknown,
  clusterId = 'sim',
): { kubeconfig: string; grantsFile: string } {
  const kubeconfig = join(dir, `${clusterId}.kubeconfig`);
  writeFileSync(kubeconfig, sandbox.kubeconfig({ contextName: clusterId }));
  const grantsFile = join(dir, 'grants.json');
  writeFileSync(grantsFile, JSON.stringify(grants));
  return { kubeconfig, grantsFile };
}
