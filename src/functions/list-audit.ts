import { app } from '@azure/functions';
import type { Client } from '@microsoft/microsoft-graph-client';

import { requireCaller } from '../lib/auth/authenticate';
import { httpAuthLevel } from '../lib/config';
import { AuditQuerySchema } from '../lib/http/audit-query';
import { jsonResponse, withProblemJson } from '../lib/http/handler';
import { parseInput } from '../lib/http/parse';
import { queryParameters } from '../lib/http/query';
import { listAuditEntries } from '../lib/lookup/audit-entries';
import { getServices } from '../lib/services';
import type { AuditLog } from '../lib/storage/audit-log';

export function makeListAuditHandler(deps: () => { audit: AuditLog; graph: Client }) {
  return withProblemJson(async (request, _context, correlationId) => {
    await requireCaller(request, 'Recovery.Read');
    const query = parseInput(AuditQuerySchema, queryParameters(request), 'query');
    return jsonResponse(200, await listAuditEntries(deps(), query, correlationId));
  });
}

app.http('listAudit', {
  methods: ['GET'],
  route: 'audit',
  authLevel: httpAuthLevel(),
  handler: makeListAuditHandler(getServices),
});
