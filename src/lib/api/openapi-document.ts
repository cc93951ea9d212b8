import { OpenApiGeneratorV31, OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';

import { API_OPERATIONS } from './operations';

type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/** Functions route `users/{user}/tap` → OpenAPI path `/users/{user}/tap` below the server's `/api`. */
const openApiPath = (route: string) => `/${route}`;

/** The OpenAPI 3.1 description of every operation in the catalogue. */
export function buildOpenApiDocument(): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  for (const operation of API_OPERATIONS) {
    registry.registerPath({
      method: operation.method.toLowerCase() as Lowercase<typeof operation.method>,
      path: openApiPath(operation.route),
      operationId: operation.operationId,
      summary: operation.summary,
      responses: { 200: { description: 'Success.' } },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'MFA Recovery', version: '0.1.0' },
    servers: [{ url: '/api' }],
  });
}
