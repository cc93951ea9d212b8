import { app } from '@azure/functions';

import { httpAuthLevel } from '../lib/config';
import { actionHandler } from '../lib/recovery/action-handler';
import { ResetMfaSchema } from '../lib/recovery/action-schemas';
import { resetUserMfa } from '../lib/recovery/reset-action';
import { type ActionServices, getActionServices } from '../lib/services';

const ROUTE = 'users/{user}/mfa/reset';

export const makeResetMfaHandler = (services: ActionServices) =>
  actionHandler(services, {
    action: 'mfa.reset',
    role: 'Recovery.Reset',
    route: ROUTE,
    schema: ResetMfaSchema,
    run: resetUserMfa,
  });

app.http('resetMfa', {
  methods: ['POST'],
  route: ROUTE,
  authLevel: httpAuthLevel(),
  handler: makeResetMfaHandler(getActionServices),
});
