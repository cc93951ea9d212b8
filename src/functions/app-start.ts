import { app } from '@azure/functions';

import { unsetGuardSettingsWarning } from '../lib/config';
import { getServices } from '../lib/services';

// Fail at startup, with every bad setting named, rather than on the first request; and say once
// which guard settings are empty. The start hook has no invocation logger: the worker forwards the
// console to the host's log.
app.hook.appStart(() => {
  const warning = unsetGuardSettingsWarning(getServices().config.guard);
  if (warning !== undefined) console.warn(warning);
});
