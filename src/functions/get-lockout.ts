import { app } from '@azure/functions';

import { requireCaller } from '../lib/auth/authenticate';
import { httpAuthLevel } from '../lib/config';
import { findLockout, toLockoutView } from '../lib/detection/lockout-api';
import type { LockoutStore } from '../lib/detection/repositories';
import { jsonResponse, withProblemJson } from '../lib/http/handler';
import { parseInput } from '../lib/http/parse';
import { UserReferenceSchema } from '../lib/http/user-reference';
import { getServices } from '../lib/services';

export function makeGetLockoutHandler(deps: () => { lockouts: LockoutStore }) {
  return withProblemJson(async (request) => {
    await requireCaller(request, 'Recovery.Read');
    const user = parseInput(UserReferenceSchema, request.params.user, 'user');
    return jsonResponse(200, toLockoutView(await findLockout(deps().lockouts, user)));
  });
}

app.http('getLockout', {
  methods: ['GET'],
  route: 'lockouts/{user}',
  authLevel: httpAuthLevel(),
  handler: makeGetLockoutHandler(getServices),
});
