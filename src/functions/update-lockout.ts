import { app } from '@azure/functions';

import { updateLockout } from '../lib/detection/lockout-api';
import type { LockoutStore } from '../lib/detection/repositories';
import { jsonResponse, withProblemJson } from '../lib/http/handler';
import { parseJsonBody } from '../lib/http/json-body';
import { LockoutUpdateSchema } from '../lib/http/lockout-query';
import { parseInput } from '../lib/http/parse';
import { UserReferenceSchema } from '../lib/http/user-reference';
import { getServices } from '../lib/services';

export function makeUpdateLockoutHandler(deps: () => { lockouts: LockoutStore }) {
  return withProblemJson(async (request) => {
    const user = parseInput(UserReferenceSchema, request.params.user, 'user');
    const change = await parseJsonBody(request, LockoutUpdateSchema);
    return jsonResponse(200, await updateLockout(deps().lockouts, user, change));
  });
}

app.http('updateLockout', {
  methods: ['PATCH'],
  route: 'lockouts/{user}',
  authLevel: 'function',
  handler: makeUpdateLockoutHandler(getServices),
});
