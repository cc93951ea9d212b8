import { app } from '@azure/functions';

import { apiSecurityFrom } from '../lib/api/api-security';
import { buildOpenApiDocument } from '../lib/api/openapi-document';
import { loadCallerSettings } from '../lib/config';
import { jsonResponse, withProblemJson } from '../lib/http/handler';

/** Public, like any API description: it names operations and shapes, never tenant data. */
app.http('getOpenApiDocument', {
  methods: ['GET'],
  route: 'openapi.json',
  authLevel: 'anonymous',
  handler: withProblemJson(() =>
    Promise.resolve(jsonResponse(200, buildOpenApiDocument(apiSecurityFrom(loadCallerSettings())))),
  ),
});
