import type { INestApplication } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loopbackAddressedOnly } from './auth/loopback-addressed.js';
import { WsAccessCheck } from './auth/ws-access.check.js';
import { AuditInterceptor } from './audit/audited.js';
import { EnvelopeInterceptor } from './common/envelope/envelope.interceptor.js';
import { JsonTextExpressAdapter } from './common/envelope/json-text.adapter.js';
import { ApiError } from './common/errors/api-error.js';
import { ApiErrorFilter } from './common/errors/api-error.filter.js';
import { observeRequests } from './common/http-observer.js';
import { JSON_BODY_TYPES, requireJsonBodies } from './common/json-bodies.js';
import { docsContentSecurityPolicy, securityHeaders } from './common/security-headers.js';
import { MemoizedValidationPipe } from './common/validation/memoized-validation.pipe.js';
import { validationDetails } from './common/validation/validation-details.js';
import { WsPathAdapter } from './common/ws/ws-path.adapter.js';
import { authConfig, type AuthConfig } from './config/auth.config.js';
import { httpConfig, type HttpConfig } from './config/http.config.js';
import { MetricsService } from './health/metrics.service.js';
import { OPENAPI_UI_PATH, serveOpenApi } from './openapi.js';
import { WsRateLimitCheck } from './rate-limit/ws-rate-limit.check.js';

/**
 * Everything that makes a Nest application this service, shared by `main.ts` and the tests so both run the same
 * stack: security headers, /api prefix, body limits, request ids and metrics, validation, the envelope, the error filter, the
 * WebSocket adapter and the OpenAPI document.
 */
export function configureApp(app: INestApplication): INestApplication {
  // Pre-serialized answers (JsonText) are sent by this adapter; Express's own would send them as `{"text": …}`.
  if (!(app.getHttpAdapter() instanceof JsonTextExpressAdapter)) {
    throw new Error('the application must be created with a JsonTextExpressAdapter');
  }
  const config = app.get<HttpConfig>(httpConfig.KEY);
  const express = app as NestExpressApplication;
  const metrics = app.get(MetricsService);

  express.disable('x-powered-by');
  // Every answer is computed for the request; hashing each body for an ETag costs more than it ever saves.
  express.set('etag', false);
  express.set('query parser', 'simple'); // `?a[b]=c` stays a string, never an object a DTO did not ask for
  // First, so that every answer carries them, refusals by the middleware below included. WebSocket upgrades do not
  // pass through Express: they are answered by the adapter.
  express.use(securityHeaders());
  express.use(`/${OPENAPI_UI_PATH}`, docsContentSecurityPolicy());
  express.use(
    observeRequests((observation) =>
      metrics.observeRequest(observation.method, observation.route, observation.status, observation.seconds),
    ),
  );
  if (app.get<AuthConfig>(authConfig.KEY).modes.includes('none')) express.use(loopbackAddressedOnly());
  express.use(requireJsonBodies());
  express.useBodyParser('json', { limit: config.maxBodyBytes, type: JSON_BODY_TYPES });

  app.setGlobalPrefix('api', { exclude: ['healthz', 'readyz', 'metrics'] });
  app.useGlobalPipes(createValidationPipe());
  // In this order: the audit log sees what the handler answered, before the envelope wraps it.
  app.useGlobalInterceptors(new EnvelopeInterceptor(app.get(Reflector)), app.get(AuditInterceptor));
  app.useGlobalFilters(new ApiErrorFilter());
  app.useWebSocketAdapter(
    new WsPathAdapter(app, {
      pingIntervalMs: config.wsPingIntervalMs,
      // Access first: an upgrade refused there spends nothing of the caller's rate limits.
      checks: [app.get(WsAccessCheck), app.get(WsRateLimitCheck)],
    }),
  );
  serveOpenApi(app);
  return app;
}

/**
 * Whitelisted DTOs, unknown parameters refused, and explicit conversions only (`@ToInt()`, `@ToBoolean()`):
 * implicit conversion would turn `force=false` into `true`.
 */
export function createValidationPipe(): MemoizedValidationPipe {
  return new MemoizedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false, exposeDefaultValues: true },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => ApiError.validation(validationDetails(errors)),
  });
}
