import { app } from '@azure/functions';

import { httpAuthLevel } from '../lib/config';
import { actionHandler } from '../lib/recovery/action-handler';
import { IssueTapSchema } from '../lib/recovery/action-schemas';
import { issueTap } from '../lib/recovery/tap-action';
import { type ActionServices, getActionServices } from '../lib/services';

const ROUTE = 'users/{user}/tap';

export const makeIssueTapHandler = (services: ActionServices) =>
  actionHandler(services, {
    action: 'tap.issue',
    role: 'Recovery.IssueTap',
    route: ROUTE,
    schema: IssueTapSchema,
    run: issueTap,
  });

app.http('issueTap', {
  methods: ['POST'],
  route: ROUTE,
  authLevel: httpAuthLevel(),
  handler: makeIssueTapHandler(getActionServices),
});
