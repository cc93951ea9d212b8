import { app, type InvocationContext } from '@azure/functions';

import { requireCaller } from '../lib/auth/authenticate';
import { httpAuthLevel } from '../lib/config';
import { jsonResponse, withProblemJson } from '../lib/http/handler';
import { parseJsonBody } from '../lib/http/json-body';
import {
  type ServiceControlsDeps,
  serviceState,
  switchWrites,
  WritesSwitchSchema,
} from '../lib/limits/service-controls';
import { getServices } from '../lib/services';

// Functions reserves routes that begin with `admin`, hence `service/…`.
const ROUTE = 'service/writes';

type Deps = (context: InvocationContext) => ServiceControlsDeps;

export const makeGetServiceWritesHandler = (deps: Deps) =>
  withProblemJson(async (request, context) => {
    await requireCaller(request, 'Recovery.Read');
    return jsonResponse(200, await serviceState(deps(context)));
  });

export const makePutServiceWritesHandler = (deps: Deps) =>
  withProblemJson(async (request, context, correlationId) => {
    const caller = await requireCaller(request, 'Recovery.Admin');
    const input = await parseJsonBody(request, WritesSwitchSchema);
    return jsonResponse(200, await switchWrites(deps(context), caller, input, correlationId));
  });

const services: Deps = (context) => ({ ...getServices(), log: { warn: (message) => context.warn(message) } });

app.http('getServiceWrites', {
  methods: ['GET'],
  route: ROUTE,
  authLevel: httpAuthLevel(),
  handler: makeGetServiceWritesHandler(services),
});

app.http('putServiceWrites', {
  methods: ['PUT'],
  route: ROUTE,
  authLevel: httpAuthLevel(),
  handler: makePutServiceWritesHandler(services),
});
