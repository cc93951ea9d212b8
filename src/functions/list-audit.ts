import { app } from '@azure/functions';

import { AuditQuerySchema } from '../lib/http/audit-query';
import { jsonResponse, withProblemJson } from '../lib/http/handler';
import { parseInput } from '../lib/http/parse';
import { getServices } from '../lib/services';
import type { AuditLog } from '../lib/storage/audit-log';

export function makeListAuditHandler(deps: () => { audit: AuditLog }) {
  return withProblemJson(async (request) => {
    const query = parseInput(AuditQuerySchema, Object.fromEntries(request.query), 'query');
    return jsonResponse(200, await deps().audit.list(query));
  });
}

app.http('listAudit', {
  methods: ['GET'],
  route: 'audit',
  authLevel: 'function',
  handler: makeListAuditHandler(getServices),
});
