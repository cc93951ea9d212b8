import { app } from '@azure/functions';

import { httpAuthLevel } from '../lib/config';
import { actionHandler } from '../lib/recovery/action-handler';
import { AddPhoneSchema } from '../lib/recovery/action-schemas';
import { addBackupPhone } from '../lib/recovery/phone-action';
import { type ActionServices, getActionServices } from '../lib/services';

const ROUTE = 'users/{user}/methods/phone';

export const makeAddPhoneHandler = (services: ActionServices) =>
  actionHandler(services, {
    action: 'phone.add',
    role: 'Recovery.AddMethod',
    route: ROUTE,
    schema: AddPhoneSchema,
    run: addBackupPhone,
  });

app.http('addPhone', {
  methods: ['POST'],
  route: ROUTE,
  authLevel: httpAuthLevel(),
  handler: makeAddPhoneHandler(getActionServices),
});
