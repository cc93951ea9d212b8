import { app } from '@azure/functions';

import { httpAuthLevel } from '../lib/config';
import { actionHandler } from '../lib/recovery/action-handler';
import { ActionBaseSchema } from '../lib/recovery/action-schemas';
import { revokeUserSessions } from '../lib/recovery/revoke-action';
import { type ActionServices, getActionServices } from '../lib/services';

const ROUTE = 'users/{user}/sessions/revoke';

export const makeRevokeSessionsHandler = (services: ActionServices) =>
  actionHandler(services, {
    action: 'sessions.revoke',
    role: 'Recovery.Reset',
    route: ROUTE,
    schema: ActionBaseSchema,
    run: revokeUserSessions,
  });

app.http('revokeSessions', {
  methods: ['POST'],
  route: ROUTE,
  authLevel: httpAuthLevel(),
  handler: makeRevokeSessionsHandler(getActionServices),
});
