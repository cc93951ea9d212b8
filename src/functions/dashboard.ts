import { app } from '@azure/functions';

import { htmlPageResponse } from '../lib/api/page-assets';
import { requireCaller } from '../lib/auth/authenticate';
import { httpAuthLevel } from '../lib/config';
import { DASHBOARD_CSP } from '../lib/dashboard/dashboard-assets';
import { type DashboardDeps, loadDashboardData } from '../lib/dashboard/dashboard-data';
import { renderDashboard } from '../lib/dashboard/render-dashboard';
import { withProblemJson } from '../lib/http/handler';
import { readLockoutReports } from '../lib/reports/lockout-report';
import { listRegistrationUsers, readRegistrationReport } from '../lib/reports/registration-report';
import { getServices } from '../lib/services';

export function makeDashboardHandler(deps: () => DashboardDeps, now: () => Date = () => new Date()) {
  return withProblemJson(async (request) => {
    await requireCaller(request, 'Recovery.Read');
    const data = await loadDashboardData(deps(), now());
    const html = renderDashboard(data, { pagePath: new URL(request.url).pathname });
    return htmlPageResponse(html, DASHBOARD_CSP, 'no-store');
  });
}

// Behind the API's caller authentication: the page shows tenant data (flags, at-risk users).
app.http('getDashboard', {
  methods: ['GET'],
  route: 'dashboard',
  authLevel: httpAuthLevel(),
  handler: makeDashboardHandler(() => {
    const services = getServices();
    return {
      lockouts: services.lockouts,
      audit: services.audit,
      snapshots: services.registration.snapshots,
      registrationSettings: services.registration.settings,
      reports: { readLockoutReports, readRegistrationReport, listRegistrationUsers },
    };
  }),
});
