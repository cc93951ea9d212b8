import { app, type TimerHandler } from '@azure/functions';

import { type RestoreDeps, restoreDueSuspensions } from '../lib/recovery/restore-due-suspensions';
import { getServices } from '../lib/services';

export function makeRestoreSuspendedMfaHandler(deps: () => Omit<RestoreDeps, 'log'>): TimerHandler {
  return async (timer, context) => {
    const report = await restoreDueSuspensions({
      ...deps(),
      log: { warn: (message) => context.warn(message) },
    });
    const level = report.failed > 0 || report.overdue > 0 ? 'warn' : 'log';
    context[level](
      `restoreSuspendedMfa: due=${report.due} restored=${report.restored} failed=${report.failed} overdue=${report.overdue} pastDue=${timer.isPastDue}`,
    );
  };
}

// Every minute by default (RESTORE_SUSPENDED_MFA_SCHEDULE); each run restores every suspension
// that has ended, however late, so a missed run is made up by the next one.
app.timer('restoreSuspendedMfa', {
  schedule: '%RESTORE_SUSPENDED_MFA_SCHEDULE%',
  runOnStartup: false,
  handler: makeRestoreSuspendedMfaHandler(getServices),
});
