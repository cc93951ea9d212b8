import { app } from '@azure/functions';

import { jsonResponse, withProblemJson } from '../lib/http/handler';
import { readActionRequest } from '../lib/recovery/action-request';
import { SuspendMfaSchema } from '../lib/recovery/action-schemas';
import { suspendUserMfa } from '../lib/recovery/suspend-action';
import { type ActionServices, getActionServices } from '../lib/services';

const ROUTE = 'users/{user}/mfa/suspend';

export function makeSuspendMfaHandler(services: ActionServices) {
  return withProblemJson(async (request, context, correlationId) => {
    const action = await readActionRequest(request, {
      action: 'mfa.suspend',
      route: ROUTE,
      schema: SuspendMfaSchema,
      correlationId,
    });
    const result = await suspendUserMfa(services(context), action);
    return jsonResponse(result.status, result.body, result.headers);
  });
}

app.http('suspendMfa', {
  methods: ['POST'],
  route: ROUTE,
  authLevel: 'function',
  handler: makeSuspendMfaHandler(getActionServices),
});
