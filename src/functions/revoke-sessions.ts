import { app } from '@azure/functions';

import { jsonResponse, withProblemJson } from '../lib/http/handler';
import { readActionRequest } from '../lib/recovery/action-request';
import { ActionBaseSchema } from '../lib/recovery/action-schemas';
import { revokeUserSessions } from '../lib/recovery/revoke-action';
import { type ActionServices, getActionServices } from '../lib/services';

const ROUTE = 'users/{user}/sessions/revoke';

export function makeRevokeSessionsHandler(services: ActionServices) {
  return withProblemJson(async (request, context, correlationId) => {
    const action = await readActionRequest(request, {
      action: 'sessions.revoke',
      route: ROUTE,
      schema: ActionBaseSchema,
      correlationId,
    });
    const result = await revokeUserSessions(services(context), action);
    return jsonResponse(result.status, result.body, result.headers);
  });
}

app.http('revokeSessions', {
  methods: ['POST'],
  route: ROUTE,
  authLevel: 'function',
  handler: makeRevokeSessionsHandler(getActionServices),
});
