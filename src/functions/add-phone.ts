import { app } from '@azure/functions';

import { jsonResponse, withProblemJson } from '../lib/http/handler';
import { readActionRequest } from '../lib/recovery/action-request';
import { AddPhoneSchema } from '../lib/recovery/action-schemas';
import { addBackupPhone } from '../lib/recovery/phone-action';
import { type ActionServices, getActionServices } from '../lib/services';

const ROUTE = 'users/{user}/methods/phone';

export function makeAddPhoneHandler(services: ActionServices) {
  return withProblemJson(async (request, context, correlationId) => {
    const action = await readActionRequest(request, {
      action: 'phone.add',
      route: ROUTE,
      schema: AddPhoneSchema,
      correlationId,
    });
    const result = await addBackupPhone(services(context), action);
    return jsonResponse(result.status, result.body, result.headers);
  });
}

app.http('addPhone', {
  methods: ['POST'],
  route: ROUTE,
  authLevel: 'function',
  handler: makeAddPhoneHandler(getActionServices),
});
