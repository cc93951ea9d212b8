import { app } from '@azure/functions';

import { httpAuthLevel } from '../lib/config';
import { parseInput } from '../lib/http/parse';
import { actionHandler } from '../lib/recovery/action-handler';
import { ActionBaseSchema, MethodIdSchema } from '../lib/recovery/action-schemas';
import { deleteUserMethod } from '../lib/recovery/delete-method-action';
import { type ActionServices, getActionServices } from '../lib/services';

const ROUTE = 'users/{user}/methods/{methodId}';

export const makeDeleteMethodHandler = (services: ActionServices) =>
  actionHandler(services, {
    action: 'method.delete',
    role: 'Recovery.Reset',
    route: ROUTE,
    schema: ActionBaseSchema,
    run: (deps, action, request) =>
      deleteUserMethod(deps, {
        ...action,
        methodId: parseInput(MethodIdSchema, request.params.methodId, 'methodId'),
      }),
  });

app.http('deleteMethod', {
  methods: ['DELETE'],
  route: ROUTE,
  authLevel: httpAuthLevel(),
  handler: makeDeleteMethodHandler(getActionServices),
});
