import { app } from '@azure/functions';

import { requireCaller } from '../lib/auth/authenticate';
import { httpAuthLevel } from '../lib/config';
import { jsonResponse, withProblemJson } from '../lib/http/handler';
import { parseInput } from '../lib/http/parse';
import { UserReferenceSchema } from '../lib/http/user-reference';
import { type CallerReadDeps, readMethodsAsCaller } from '../lib/lookup/caller-read';
import { getServices } from '../lib/services';

export function makeUserMethodsHandler(deps: () => CallerReadDeps) {
  return withProblemJson(async (request, _context, correlationId) => {
    const caller = await requireCaller(request, 'Recovery.Read');
    const user = parseInput(UserReferenceSchema, request.params.user, 'user');
    return jsonResponse(200, await readMethodsAsCaller(deps(), caller, user, correlationId));
  });
}

app.http('getUserMethods', {
  methods: ['GET'],
  route: 'users/{user}/methods',
  authLevel: httpAuthLevel(),
  handler: makeUserMethodsHandler(getServices),
});
