import { app, type TimerHandler } from '@azure/functions';

import { scanRegistration, type ScanRegistrationDeps } from '../lib/registration/scan-registration';
import { getServices } from '../lib/services';

export function makeScanRegistrationHandler(deps: () => ScanRegistrationDeps): TimerHandler {
  return async (timer, context) => {
    const report = await scanRegistration(deps());
    const level = report.outcome === 'complete' ? 'log' : 'warn';
    context[level](
      `scanRegistration: outcome=${report.outcome} run=${report.runId} pages=${report.pages} users=${report.users} atRisk=${report.atRisk} notified=${report.notified} malformed=${report.malformed} pruned=${report.pruned}${report.error ? ` error=${report.error}` : ''} pastDue=${timer.isPastDue}`,
    );
  };
}

// Daily by default (SCAN_REGISTRATION_SCHEDULE); never runOnStartup, like the lockout scan.
app.timer('scanRegistration', {
  schedule: '%SCAN_REGISTRATION_SCHEDULE%',
  runOnStartup: false,
  handler: makeScanRegistrationHandler(() => getServices().registration),
});
