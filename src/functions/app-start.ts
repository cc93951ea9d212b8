import { app } from '@azure/functions';

import { unsetGuardSettingsWarning } from '../lib/config';
import { getServices } from '../lib/services';
import { startTelemetry } from '../lib/telemetry/start';

// Fail at startup, with every bad setting named, rather than on the first request; say once which
// guard settings are empty; and send telemetry to Application Insights or the console. The start
// hook has no invocation logger: the worker forwards the console to the host's log.
app.hook.appStart(async () => {
  const { config } = getServices();
  const warning = unsetGuardSettingsWarning(config.guard);
  if (warning !== undefined) console.warn(warning);
  await startTelemetry(config.telemetry);
});
