import { isIP } from 'node:net';
import { generate } from 'selfsigned';

export interface SandboxTls {
  /** The CA that signed the server certificate: what clients trust (written into the kubeconfig). */
  caPem: string;
  certPem: string;
  keyPem: string;
}

const DAY_MS = 86_400_000;

/**
 * A throw-away CA and a server certificate it signs, for `host`, `localhost`, 127.0.0.1 and ::1, as a kind or
 * minikube cluster has: clients verify the server against the CA instead of skipping verification. EC P-256
 * keys, so that a test can start several HTTPS simulators in a few milliseconds each.
 */
export async function generateSandboxTls(host: string): Promise<SandboxTls> {
  const now = new Date();
  const notAfterDate = new Date(now.getTime() + 365 * DAY_MS);
  const ca = await generate([{ name: 'commonName', value: 'sandbox-ca' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - DAY_MS),
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const names = new Set(['localhost', '127.0.0.1', '::1', host]);
  const altNames = [...names].map((name) =>
    isIP(name) ? { type: 7 as const, ip: name } : { type: 2 as const, value: name },
  );
  const server = await generate([{ name: 'commonName', value: 'sandbox-apiserver' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - DAY_MS),
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { caPem: ca.cert, certPem: server.cert, keyPem: server.private };
}
