import { app } from '@azure/functions';

import { jsonResponse, withProblemJson } from '../lib/http/handler';
import { readActionRequest } from '../lib/recovery/action-request';
import { ResetMfaSchema } from '../lib/recovery/action-schemas';
import { resetUserMfa } from '../lib/recovery/reset-action';
import { type ActionServices, getActionServices } from '../lib/services';

const ROUTE = 'users/{user}/mfa/reset';

export function makeResetMfaHandler(services: ActionServices) {
  return withProblemJson(async (request, context, correlationId) => {
    const action = await readActionRequest(request, {
      action: 'mfa.reset',
      route: ROUTE,
      schema: ResetMfaSchema,
      correlationId,
    });
    const result = await resetUserMfa(services(context), action);
    return jsonResponse(result.status, result.body, result.headers);
  });
}

app.http('resetMfa', {
  methods: ['POST'],
  route: ROUTE,
  authLevel: 'function',
  handler: makeResetMfaHandler(getActionServices),
});
