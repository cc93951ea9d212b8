import { app, type InvocationContext } from '@azure/functions';

import { type FlagUpdateDeps, updateFlagAsCaller } from '../lib/attack-flags/flag-update';
import { authenticate } from '../lib/auth/authenticate';
import { httpAuthLevel } from '../lib/config';
import { jsonResponse, withProblemJson } from '../lib/http/handler';
import { parseJsonBody } from '../lib/http/json-body';
import { LockoutUpdateSchema } from '../lib/http/lockout-query';
import { parseInput } from '../lib/http/parse';
import { UserReferenceSchema } from '../lib/http/user-reference';
import { getActionServices } from '../lib/services';

/** The role needed depends on the flag's category, so the caller is checked once the flag is read. */
export function makeUpdateLockoutHandler(deps: (context: InvocationContext) => FlagUpdateDeps) {
  return withProblemJson(async (request, context, correlationId) => {
    const caller = await authenticate(request);
    const user = parseInput(UserReferenceSchema, request.params.user, 'user');
    const change = await parseJsonBody(request, LockoutUpdateSchema);
    return jsonResponse(
      200,
      await updateFlagAsCaller(deps(context), { user, change, caller, correlationId }),
    );
  });
}

app.http('updateLockout', {
  methods: ['PATCH'],
  route: 'lockouts/{user}',
  authLevel: httpAuthLevel(),
  handler: makeUpdateLockoutHandler(getActionServices),
});
