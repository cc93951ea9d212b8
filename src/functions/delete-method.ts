import { app } from '@azure/functions';

import { jsonResponse, withProblemJson } from '../lib/http/handler';
import { parseInput } from '../lib/http/parse';
import { readActionRequest } from '../lib/recovery/action-request';
import { ActionBaseSchema, MethodIdSchema } from '../lib/recovery/action-schemas';
import { deleteUserMethod } from '../lib/recovery/delete-method-action';
import { type ActionServices, getActionServices } from '../lib/services';

const ROUTE = 'users/{user}/methods/{methodId}';

export function makeDeleteMethodHandler(services: ActionServices) {
  return withProblemJson(async (request, context, correlationId) => {
    const methodId = parseInput(MethodIdSchema, request.params.methodId, 'methodId');
    const action = await readActionRequest(request, {
      action: 'method.delete',
      route: ROUTE,
      schema: ActionBaseSchema,
      correlationId,
    });
    const result = await deleteUserMethod(services(context), { ...action, methodId });
    return jsonResponse(result.status, result.body, result.headers);
  });
}

app.http('deleteMethod', {
  methods: ['DELETE'],
  route: ROUTE,
  authLevel: 'function',
  handler: makeDeleteMethodHandler(getActionServices),
});
