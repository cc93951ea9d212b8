import { app } from '@azure/functions';

import { buildOpenApiDocument } from '../lib/api/openapi-document';
import { jsonResponse, withProblemJson } from '../lib/http/handler';

/** Public, like any API description: it names operations and shapes, never tenant data. */
app.http('getOpenApiDocument', {
  methods: ['GET'],
  route: 'openapi.json',
  authLevel: 'anonymous',
  handler: withProblemJson(() => Promise.resolve(jsonResponse(200, buildOpenApiDocument()))),
});
