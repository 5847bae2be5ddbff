import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { Agent, fetch as undiciFetch } from 'undici';
import { generateSandboxTls } from '../../src/sandbox/tls.js';

export type SigningAlgorithm = 'RS256' | 'ES256';

/** A signing key of the provider: its id, algorithm and private half. */
export interface ProviderKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * An OpenID Connect identity provider on loopback, over HTTPS with a throw-away CA: its discovery document at
 * `/.well-known/openid-configuration` names itself as issuer and `/jwks` as its key set. Keys can be added (key
 * rotation), the provider can stop answering (every connection reset) and come back, and it counts the requests
 * per path. `fetch` trusts its CA, for the code under test.
 */
export class FakeIdentityProvider {
  readonly requests = new Map<string, number>();
  private readonly keys: ProviderKey[] = [];
  private down = false;
  /** A discovery document's `issuer` other than the provider's own URL, to test the issuer check. */
  announcedIssuer?: string;

  private constructor(
    private readonly server: Server,
    readonly issuer: string,
    readonly fetch: typeof globalThis.fetch,
    private readonly agent: Agent,
    /** The CA its certificate is signed by, for a service process to trust (NODE_EXTRA_CA_CERTS). */
    readonly caPem: string,
  ) {}

  static async start(): Promise<FakeIdentityProvider> {
    const tls = await generateSandboxTls('127.0.0.1');
    const server = createServer({ cert: tls.certPem, key: tls.keyPem });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const agent = new Agent({ connect: { ca: tls.caPem } });
    const trustingFetch = ((input: string, init?: RequestInit) =>
      undiciFetch(input, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;
    const provider = new FakeIdentityProvider(server, `https://127.0.0.1:${port}`, trustingFetch, agent, tls.caPem);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => provider.handle(req, res));
    return provider;
  }

  get jwksUrl(): string {
    return `${this.issuer}/jwks`;
  }

  count(path: string): number {
    return this.requests.get(path) ?? 0;
  }

  /** Generates a key and publishes it in the key set (`publish: false` keeps it unknown to the provider's clients). */
  async addKey(kid: string, alg: SigningAlgorithm, { publish = true } = {}): Promise<ProviderKey> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
    const key = { kid, alg, privateKey, publicKey, publicJwk };
    if (publish) this.keys.push(key);
    return key;
  }

  /** A token signed with `key`, issued by this provider; `claims` override the defaults (sub alice, 5 minutes). */
  async sign(key: ProviderKey, claims: JWTPayload = {}, header: { kid?: string | null } = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const kid = header.kid === null ? undefined : (header.kid ?? key.kid);
    return new SignJWT({ iss: this.issuer, sub: 'alice', iat: now, exp: now + 300, ...claims })
      .setProtectedHeader({ alg: key.alg, typ: 'JWT', ...(kid === undefined ? {} : { kid }) })
      .sign(key.privateKey);
  }

  /** While down, every connection is reset before an answer: the provider cannot be reached. */
  setDown(down: boolean): void {
    this.down = down;
    if (down) this.server.closeAllConnections();
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
    await this.agent.close();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', this.issuer).pathname;
    this.requests.set(path, this.count(path) + 1);
    if (this.down) {
      req.socket.destroy();
      return;
    }
    if (path === '/.well-known/openid-configuration') {
      return json(res, { issuer: this.announcedIssuer ?? this.issuer, jwks_uri: this.jwksUrl });
    }
    if (path === '/jwks') return json(res, { keys: this.keys.map((key) => key.publicJwk) });
    res.writeHead(404).end();
  }
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
