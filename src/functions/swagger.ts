import { app } from '@azure/functions';

import { apiSecurityFrom } from '../lib/api/api-security';
import { buildSwaggerDocument } from '../lib/api/swagger-document';
import { loadCallerSettings } from '../lib/config';
import { jsonResponse, withProblemJson } from '../lib/http/handler';

/** Swagger 2.0 for tools that take no 3.x (custom connectors); public like the OpenAPI document. */
app.http('getSwaggerDocument', {
  methods: ['GET'],
  route: 'swagger.json',
  authLevel: 'anonymous',
  handler: withProblemJson(() =>
    Promise.resolve(jsonResponse(200, buildSwaggerDocument(apiSecurityFrom(loadCallerSettings())))),
  ),
});
