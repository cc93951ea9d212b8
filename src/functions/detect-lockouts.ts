import { app, type TimerHandler } from '@azure/functions';

import { detectLockouts, type DetectLockoutsDeps } from '../lib/detection/detect-lockouts';
import { getServices } from '../lib/services';
import { recordDetectionRun } from '../lib/telemetry/records';

export function makeDetectLockoutsHandler(deps: () => DetectLockoutsDeps): TimerHandler {
  return async (timer, context) => {
    const detection = deps();
    const report = await detectLockouts(detection);
    const now = (detection.now ?? (() => new Date()))();
    recordDetectionRun({
      outcome: report.outcome,
      users: report.users,
      opened: report.opened,
      reopened: report.reopened,
      ...(report.scannedThrough
        ? { lagSeconds: Math.round((now.getTime() - Date.parse(report.scannedThrough)) / 1000) }
        : {}),
    });
    const level = report.outcome === 'complete' ? 'log' : 'warn';
    context[level](
      `detectLockouts: outcome=${report.outcome} window=${report.window.start}..${report.window.end} pages=${report.pages} events=${report.events} attempts=${report.attempts} users=${report.users} opened=${report.opened} reopened=${report.reopened} updated=${report.updated} conflicts=${report.conflicts} readMs=${report.readMs} writeMs=${report.writeMs}${report.watch ? ` watched=${report.watch.users} raised=${report.watch.raised}` : ''} pastDue=${timer.isPastDue}`,
    );
  };
}

// Every 5 minutes by default (DETECT_LOCKOUTS_SCHEDULE). Never runOnStartup (a restart or scale-out
// would start an extra scan); a past-due run runs normally and says so in its log line.
app.timer('detectLockouts', {
  schedule: '%DETECT_LOCKOUTS_SCHEDULE%',
  runOnStartup: false,
  handler: makeDetectLockoutsHandler(() => getServices().detection),
});
