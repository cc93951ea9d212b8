import { app } from '@azure/functions';

import { referenceAssetResponse, referencePageResponse } from '../lib/api/reference-page';
import { withProblemJson } from '../lib/http/handler';

// Public, like the document it shows: the page holds no tenant data, and "Try it out" sends the
// credential the reader enters to this same API.
app.http('getApiReference', {
  methods: ['GET'],
  route: 'docs',
  authLevel: 'anonymous',
  handler: withProblemJson((request) => Promise.resolve(referencePageResponse(request.url))),
});

app.http('getApiReferenceAsset', {
  methods: ['GET'],
  route: 'docs/{asset}',
  authLevel: 'anonymous',
  handler: withProblemJson((request) => referenceAssetResponse(request.params.asset ?? '')),
});
