import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamicModule, INestApplication, LoggerService, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { JsonTextExpressAdapter } from '../../src/common/envelope/json-text.adapter.js';

export interface TestAppOptions {
  /** Settings for this app, as environment variables; everything else keeps the test process's environment. */
  env?: Record<string, string | undefined>;
  /** Extra modules (test-only controllers and gateways). */
  imports?: (Type<unknown> | DynamicModule)[];
  logger?: LoggerService | false;
}

/**
 * The real application (AppModule + configureApp, as main.ts builds it), listening on 127.0.0.1 on a free port.
 * Settings are applied through the environment only while the application is being built, then restored.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<INestApplication> {
  // Hermetic by default: no kubeconfig of the machine's, no built-in sandbox, an in-memory store.
  const restore = applyEnv({
    DATABASE_URL: 'sqlite::memory:',
    LOG_LEVEL: 'error',
    KUBECONFIG: emptyKubeconfig(),
    SANDBOX: 'off',
    ...options.env,
  });
  try {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule, ...(options.imports ?? [])] }).compile();
    const app = moduleRef.createNestApplication<NestExpressApplication>(new JsonTextExpressAdapter(), {
      bodyParser: false,
      logger: options.logger ?? false,
    });
    configureApp(app);
    await app.listen(0, '127.0.0.1');
    return app;
  } finally {
    restore();
  }
}

/** `http://127.0.0.1:<port>` of a listening app (Nest's getUrl() may answer with `[::1]` or a host name). */
export function baseUrl(app: INestApplication): string {
  const address = (app.getHttpServer() as import('node:http').Server).address();
  if (address === null || typeof address === 'string') throw new Error('the app is not listening on TCP');
  return `http://127.0.0.1:${address.port}`;
}

export function wsUrl(app: INestApplication, path: string): string {
  return `${baseUrl(app).replace('http://', 'ws://')}${path}`;
}

function emptyKubeconfig(): string {
  const path = join(tmpdir(), 'pod-api-test-empty-kubeconfig.yaml');
  if (!existsSync(path)) writeFileSync(path, 'apiVersion: v1\nkind: Config\n');
  return path;
}

function applyEnv(env: Record<string, string | undefined>): () => void {
  const previous = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(env)) {
    previous.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
