import { app } from '@azure/functions';

import { dashboardAssetResponse } from '../lib/dashboard/dashboard-assets';
import { withProblemJson } from '../lib/http/handler';

// Public, like the reference page's files: library code and the page's own script and styles,
// no tenant data.
app.http('getDashboardAsset', {
  methods: ['GET'],
  route: 'dashboard/{asset}',
  authLevel: 'anonymous',
  handler: withProblemJson((request) => dashboardAssetResponse(request.params.asset ?? '')),
});
