import { app } from '@azure/functions';

import { requireCaller } from '../lib/auth/authenticate';
import { httpAuthLevel } from '../lib/config';
import { toLockoutView } from '../lib/detection/lockout-api';
import type { LockoutStore } from '../lib/detection/repositories';
import { jsonResponse, withProblemJson } from '../lib/http/handler';
import { LockoutQuerySchema } from '../lib/http/lockout-query';
import { parseInput } from '../lib/http/parse';
import { queryParameters } from '../lib/http/query';
import { getServices } from '../lib/services';

export function makeListLockoutsHandler(deps: () => { lockouts: LockoutStore }) {
  return withProblemJson(async (request) => {
    await requireCaller(request, 'Recovery.Read');
    const query = parseInput(LockoutQuerySchema, queryParameters(request), 'query');
    const page = await deps().lockouts.list(query);
    return jsonResponse(200, { ...page, lockouts: page.lockouts.map(toLockoutView) });
  });
}

app.http('listLockouts', {
  methods: ['GET'],
  route: 'lockouts',
  authLevel: httpAuthLevel(),
  handler: makeListLockoutsHandler(getServices),
});
