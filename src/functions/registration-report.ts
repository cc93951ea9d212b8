import { app } from '@azure/functions';

import { requireCaller } from '../lib/auth/authenticate';
import { httpAuthLevel } from '../lib/config';
import { jsonResponse, withProblemJson } from '../lib/http/handler';
import type { TelephonyProvider } from '../lib/registration/classify';
import type { RegistrationSnapshotStore } from '../lib/registration/snapshot';
import { readRegistrationReport } from '../lib/reports/registration-report';
import { getServices } from '../lib/services';

export function makeRegistrationReportHandler(
  deps: () => {
    snapshots: RegistrationSnapshotStore;
    settings: { telephonyProvider: TelephonyProvider; telephonyRetirement: Date };
  },
) {
  return withProblemJson(async (request) => {
    await requireCaller(request, 'Recovery.Read');
    const { snapshots, settings } = deps();
    return jsonResponse(200, await readRegistrationReport(snapshots, settings));
  });
}

app.http('getRegistrationReport', {
  methods: ['GET'],
  route: 'reports/registration',
  authLevel: httpAuthLevel(),
  handler: makeRegistrationReportHandler(() => getServices().registration),
});
