import { app, type InvocationContext } from '@azure/functions';

import { requireCaller } from '../lib/auth/authenticate';
import { httpAuthLevel } from '../lib/config';
import { jsonResponse, withProblemJson } from '../lib/http/handler';
import { parseJsonBody } from '../lib/http/json-body';
import { BrakeReleaseSchema, releaseBrake, type ServiceControlsDeps } from '../lib/limits/service-controls';
import { getServices } from '../lib/services';

export const makeReleaseBrakeHandler = (deps: (context: InvocationContext) => ServiceControlsDeps) =>
  withProblemJson(async (request, context, correlationId) => {
    const caller = await requireCaller(request, 'Recovery.Admin');
    const input = await parseJsonBody(request, BrakeReleaseSchema);
    return jsonResponse(200, await releaseBrake(deps(context), caller, input, correlationId));
  });

app.http('releaseBrake', {
  methods: ['POST'],
  route: 'brake/release',
  authLevel: httpAuthLevel(),
  handler: makeReleaseBrakeHandler((context) => ({
    ...getServices(),
    log: { warn: (message) => context.warn(message) },
  })),
});
