import { app } from '@azure/functions';

import { httpAuthLevel } from '../lib/config';
import { actionHandler } from '../lib/recovery/action-handler';
import { ActionBaseSchema } from '../lib/recovery/action-schemas';
import { restoreUserMfaNow } from '../lib/recovery/restore-action';
import { type ActionServices, getActionServices } from '../lib/services';

const ROUTE = 'users/{user}/mfa/suspend';

export const makeRestoreMfaHandler = (services: ActionServices) =>
  actionHandler(services, {
    action: 'mfa.restore',
    role: 'Recovery.SuspendMfa',
    route: ROUTE,
    schema: ActionBaseSchema,
    run: restoreUserMfaNow,
  });

app.http('restoreMfa', {
  methods: ['DELETE'],
  route: ROUTE,
  authLevel: httpAuthLevel(),
  handler: makeRestoreMfaHandler(getActionServices),
});
