import { app, type InvocationContext } from '@azure/functions';

import { ApprovalIdSchema } from '../lib/approvals/approval-id';
import { type ApprovalRouteDeps, decideApproval } from '../lib/approvals/decide-approval';
import { requireCaller } from '../lib/auth/authenticate';
import { httpAuthLevel } from '../lib/config';
import { jsonResponse, withProblemJson } from '../lib/http/handler';
import { parseInput } from '../lib/http/parse';
import { getActionServices } from '../lib/services';

/** `POST /api/approvals/{id}/approve` or `/deny`, by a caller with Recovery.Approve. */
export function makeDecideApprovalHandler(
  deps: (context: InvocationContext) => ApprovalRouteDeps,
  approve: boolean,
) {
  return withProblemJson(async (request, context, correlationId) => {
    const caller = await requireCaller(request, 'Recovery.Approve');
    const id = parseInput(ApprovalIdSchema, request.params.id, 'id');
    return jsonResponse(200, await decideApproval(deps(context), { id, approve, caller, correlationId }));
  });
}

app.http('approveRequest', {
  methods: ['POST'],
  route: 'approvals/{id}/approve',
  authLevel: httpAuthLevel(),
  handler: makeDecideApprovalHandler(getActionServices, true),
});

app.http('denyRequest', {
  methods: ['POST'],
  route: 'approvals/{id}/deny',
  authLevel: httpAuthLevel(),
  handler: makeDecideApprovalHandler(getActionServices, false),
});
