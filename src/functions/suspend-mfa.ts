import { app } from '@azure/functions';

import { httpAuthLevel } from '../lib/config';
import { actionHandler } from '../lib/recovery/action-handler';
import { SuspendMfaSchema } from '../lib/recovery/action-schemas';
import { suspendUserMfa } from '../lib/recovery/suspend-action';
import { type ActionServices, getActionServices } from '../lib/services';

const ROUTE = 'users/{user}/mfa/suspend';

export const makeSuspendMfaHandler = (services: ActionServices) =>
  actionHandler(services, {
    action: 'mfa.suspend',
    role: 'Recovery.SuspendMfa',
    route: ROUTE,
    schema: SuspendMfaSchema,
    run: suspendUserMfa,
  });

app.http('suspendMfa', {
  methods: ['POST'],
  route: ROUTE,
  authLevel: httpAuthLevel(),
  handler: makeSuspendMfaHandler(getActionServices),
});
