import { app } from '@azure/functions';

import { ApprovalIdSchema } from '../lib/approvals/approval-id';
import { type ApprovalRouteDeps, readApproval } from '../lib/approvals/decide-approval';
import { authenticate } from '../lib/auth/authenticate';
import { httpAuthLevel } from '../lib/config';
import { jsonResponse, withProblemJson } from '../lib/http/handler';
import { parseInput } from '../lib/http/parse';
import { getServices } from '../lib/services';

export function makeGetApprovalHandler(deps: () => Pick<ApprovalRouteDeps, 'approvals'>) {
  return withProblemJson(async (request) => {
    const caller = await authenticate(request);
    const id = parseInput(ApprovalIdSchema, request.params.id, 'id');
    return jsonResponse(200, await readApproval(deps(), id, caller));
  });
}

app.http('getApproval', {
  methods: ['GET'],
  route: 'approvals/{id}',
  authLevel: httpAuthLevel(),
  handler: makeGetApprovalHandler(getServices),
});
