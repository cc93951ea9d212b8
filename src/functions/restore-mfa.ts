import { app } from '@azure/functions';

import { jsonResponse, withProblemJson } from '../lib/http/handler';
import { readActionRequest } from '../lib/recovery/action-request';
import { ActionBaseSchema } from '../lib/recovery/action-schemas';
import { restoreUserMfaNow } from '../lib/recovery/restore-action';
import { type ActionServices, getActionServices } from '../lib/services';

const ROUTE = 'users/{user}/mfa/suspend';

export function makeRestoreMfaHandler(services: ActionServices) {
  return withProblemJson(async (request, context, correlationId) => {
    const action = await readActionRequest(request, {
      action: 'mfa.restore',
      route: ROUTE,
      schema: ActionBaseSchema,
      correlationId,
    });
    const result = await restoreUserMfaNow(services(context), action);
    return jsonResponse(result.status, result.body, result.headers);
  });
}

app.http('restoreMfa', {
  methods: ['DELETE'],
  route: ROUTE,
  authLevel: 'function',
  handler: makeRestoreMfaHandler(getActionServices),
});
