import { app } from '@azure/functions';

import { httpAuthLevel } from '../lib/config';
import { actionHandler } from '../lib/recovery/action-handler';
import { RecoverUserSchema } from '../lib/recovery/action-schemas';
import { recoverUser } from '../lib/recovery/recover-action';
import { type ActionServices, getActionServices } from '../lib/services';

const ROUTE = 'users/{user}/recover';

export const makeRecoverUserHandler = (services: ActionServices) =>
  actionHandler(services, {
    action: 'mfa.recover',
    role: ['Recovery.Reset', 'Recovery.IssueTap'],
    route: ROUTE,
    schema: RecoverUserSchema,
    run: recoverUser,
  });

app.http('recoverUser', {
  methods: ['POST'],
  route: ROUTE,
  authLevel: httpAuthLevel(),
  handler: makeRecoverUserHandler(getActionServices),
});
