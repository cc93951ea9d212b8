import { app } from '@azure/functions';

import { requireCaller } from '../lib/auth/authenticate';
import { httpAuthLevel } from '../lib/config';
import { jsonResponse, withProblemJson } from '../lib/http/handler';
import { parseInput } from '../lib/http/parse';
import { queryParameters } from '../lib/http/query';
import { RegistrationUsersQuerySchema } from '../lib/http/report-query';
import type { RegistrationSnapshotStore } from '../lib/registration/snapshot';
import { listRegistrationUsers } from '../lib/reports/registration-report';
import { getServices } from '../lib/services';

export function makeRegistrationUsersHandler(deps: () => { snapshots: RegistrationSnapshotStore }) {
  return withProblemJson(async (request) => {
    await requireCaller(request, 'Recovery.Read');
    const query = parseInput(RegistrationUsersQuerySchema, queryParameters(request), 'query');
    return jsonResponse(200, await listRegistrationUsers(deps().snapshots, query));
  });
}

app.http('listRegistrationUsers', {
  methods: ['GET'],
  route: 'reports/registration/users',
  authLevel: httpAuthLevel(),
  handler: makeRegistrationUsersHandler(() => getServices().registration),
});
