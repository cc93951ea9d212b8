import { app } from '@azure/functions';

import { checkHealth, type HealthDependencies } from '../lib/health/check-health';
import { jsonResponse, withProblemJson } from '../lib/http/handler';
import { getServices } from '../lib/services';

export function makeHealthHandler(deps: () => HealthDependencies) {
  return withProblemJson(async () => {
    const report = await checkHealth(deps());
    return jsonResponse(report.status === 'unhealthy' ? 503 : 200, report);
  });
}

// The only anonymous route: it reports dependency status and never tenant data.
app.http('health', {
  methods: ['GET'],
  route: 'health',
  authLevel: 'anonymous',
  handler: makeHealthHandler(getServices),
});
