import { app } from '@azure/functions';

import { requireCaller } from '../lib/auth/authenticate';
import { httpAuthLevel } from '../lib/config';
import type { LockoutStore } from '../lib/detection/repositories';
import { jsonResponse, withProblemJson } from '../lib/http/handler';
import { parseInput } from '../lib/http/parse';
import { queryParameters } from '../lib/http/query';
import { LockoutReportQuerySchema } from '../lib/http/report-query';
import { readLockoutReports } from '../lib/reports/lockout-report';
import { getServices } from '../lib/services';
import type { AuditLog } from '../lib/storage/audit-log';

export function makeGetLockoutReportHandler(deps: () => { lockouts: LockoutStore; audit: AuditLog }) {
  return withProblemJson(async (request) => {
    await requireCaller(request, 'Recovery.Read');
    const period = parseInput(LockoutReportQuerySchema, queryParameters(request), 'query');
    const [report] = await readLockoutReports(deps(), [period]);
    return jsonResponse(200, report);
  });
}

app.http('getLockoutReport', {
  methods: ['GET'],
  route: 'reports/lockouts',
  authLevel: httpAuthLevel(),
  handler: makeGetLockoutReportHandler(getServices),
});
