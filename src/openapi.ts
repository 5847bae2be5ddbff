import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { APP_VERSION } from './app-info.js';

export const OPENAPI_JSON_PATH = 'api/openapi.json';
export const OPENAPI_UI_PATH = 'api/docs';

/** The OpenAPI 3 document, generated from the controllers' decorators and DTOs; operation ids are handler names. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Pod API')
    .setDescription(
      'Manage the pods of many Kubernetes clusters through one API: list and filter pods, read, delete, events and logs over HTTP; ' +
        'live log streams and terminals over WebSocket (see the project documentation for the WebSocket messages). ' +
        'Every body is the envelope {code, message, data}; errors add reason and requestId.',
    )
    .setVersion(APP_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A JWT or a static API token' })
    .build();
  return SwaggerModule.createDocument(app, config, { operationIdFactory: (_controller, method) => method });
}

export function serveOpenApi(app: INestApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup(OPENAPI_UI_PATH, app, document, {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    yamlDocumentUrl: 'api/openapi.yaml',
    customSiteTitle: 'Pod API',
  });
}
