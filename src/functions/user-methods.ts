import { app } from '@azure/functions';
import type { Client } from '@microsoft/microsoft-graph-client';

import { requireCaller } from '../lib/auth/authenticate';
import { httpAuthLevel } from '../lib/config';
import { jsonResponse, withProblemJson } from '../lib/http/handler';
import { parseInput } from '../lib/http/parse';
import { UserReferenceSchema } from '../lib/http/user-reference';
import { lookUpUserMethods } from '../lib/lookup/user-methods';
import { getServices } from '../lib/services';

export function makeUserMethodsHandler(deps: () => { graph: Client }) {
  return withProblemJson(async (request, _context, correlationId) => {
    await requireCaller(request, 'Recovery.Read');
    const user = parseInput(UserReferenceSchema, request.params.user, 'user');
    return jsonResponse(200, await lookUpUserMethods(deps().graph, user, correlationId));
  });
}

app.http('getUserMethods', {
  methods: ['GET'],
  route: 'users/{user}/methods',
  authLevel: httpAuthLevel(),
  handler: makeUserMethodsHandler(getServices),
});
