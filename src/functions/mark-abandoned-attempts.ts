import { app, type TimerHandler } from '@azure/functions';

import { getServices } from '../lib/services';
import { markAbandonedAttempts } from '../lib/storage/abandoned-attempts';
import type { AuditLog } from '../lib/storage/audit-log';

export function makeMarkAbandonedAttemptsHandler(deps: () => { audit: AuditLog }): TimerHandler {
  return async (timer, context) => {
    const report = await markAbandonedAttempts(deps().audit);
    context[report.found > 0 ? 'warn' : 'log'](
      `markAbandonedAttempts: found=${report.found} marked=${report.marked} raced=${report.raced} pastDue=${timer.isPastDue}`,
    );
  };
}

// Every 15 minutes by default (MARK_ABANDONED_ATTEMPTS_SCHEDULE); each run looks back 7 days, so a
// missed run is made up by the next one.
app.timer('markAbandonedAttempts', {
  schedule: '%MARK_ABANDONED_ATTEMPTS_SCHEDULE%',
  runOnStartup: false,
  handler: makeMarkAbandonedAttemptsHandler(getServices),
});
