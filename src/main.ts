import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { JsonTextExpressAdapter } from './common/envelope/json-text.adapter.js';
import { validateConfiguration } from './config/all-configs.js';
import { httpConfig, logLevelsFrom } from './config/http.config.js';
import { ConfigError } from './config/read-env.js';
import { JsonLogger } from './common/logging/json-logger.js';

async function bootstrap(): Promise<void> {
  try {
    validateConfiguration();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', event: 'config.invalid', message: error.message, problems: error.problems })}\n`,
    );
    process.exit(1);
  }
  const http = httpConfig();
  const app = await NestFactory.create<NestExpressApplication>(AppModule, new JsonTextExpressAdapter(), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
    logger: new JsonLogger(logLevelsFrom(http.logLevel)),
  });
  configureApp(app);
  await app.listen(http.port, http.host);
  const logger = new Logger('Bootstrap');
  logger.log({ event: 'service.listening', url: await app.getUrl() });
  // A stop signal closes the app (caches stopped, sockets and terminals closed by the modules' destroy hooks) and
  // exits 0, which is what orchestrators expect of a clean stop.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log({ event: 'service.stopping', signal });
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({
            event: 'service.stop.failed',
            detail: error instanceof Error ? error.message : String(error),
          });
          process.exit(1);
        },
      );
    });
  }
}

bootstrap().catch((error: unknown) => {
  new Logger('Bootstrap').fatal(
    { event: 'service.failed', detail: error instanceof Error ? error.message : String(error) },
    error instanceof Error ? error.stack : undefined,
  );
  process.exit(1);
});
