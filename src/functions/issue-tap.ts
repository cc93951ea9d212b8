import { app } from '@azure/functions';

import { jsonResponse, withProblemJson } from '../lib/http/handler';
import { readActionRequest } from '../lib/recovery/action-request';
import { IssueTapSchema } from '../lib/recovery/action-schemas';
import { issueTap } from '../lib/recovery/tap-action';
import { type ActionServices, getActionServices } from '../lib/services';

const ROUTE = 'users/{user}/tap';

export function makeIssueTapHandler(services: ActionServices) {
  return withProblemJson(async (request, context, correlationId) => {
    const action = await readActionRequest(request, {
      action: 'tap.issue',
      route: ROUTE,
      schema: IssueTapSchema,
      correlationId,
    });
    const result = await issueTap(services(context), action);
    return jsonResponse(result.status, result.body, result.headers);
  });
}

app.http('issueTap', {
  methods: ['POST'],
  route: ROUTE,
  authLevel: 'function',
  handler: makeIssueTapHandler(getActionServices),
});
