import { TableClient } from '@azure/data-tables';

import { DEFAULT_SNAPSHOTS_KEPT } from '../../src/lib/registration/snapshot';
import { createTableSnapshotStore } from '../../src/lib/registration/table-snapshot-store';
import { TABLES } from '../../src/lib/storage/tables';

const POLL_MS = 200;
const DEFAULT_TIMEOUT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Runs the app's `scanRegistration` timer once through the host's admin endpoint (POST
 * /admin/functions/{name} answers 202 and runs it in the background, local/host/admin.ts), then
 * waits until the scan has switched the current snapshot away from `after`: the snapshot the
 * dashboard shows as "now" is then a real scan of the simulator's tenant.
 */
export async function scanRegistrationNow(options: {
  hostOrigin: string;
  masterKey: string;
  storageConnectionString: string;
  /** The current snapshot before the scan (the history's newest). */
  after: string | undefined;
  timeoutMs?: number;
}): Promise<string> {
  const response = await fetch(`${options.hostOrigin}/admin/functions/scanRegistration`, {
    method: 'POST',
    headers: { 'x-functions-key': options.masterKey, 'content-type': 'application/json' },
    body: '{}',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (response.status !== 202)
    throw new Error(`the host would not run scanRegistration (${response.status})`);
  const snapshots = createTableSnapshotStore({
    table: () =>
      Promise.resolve(
        TableClient.fromConnectionString(options.storageConnectionString, TABLES.registrationSnapshots, {
          allowInsecureConnection: true,
        }),
      ),
    snapshotsKept: DEFAULT_SNAPSHOTS_KEPT,
  });
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  for (;;) {
    const current = await snapshots.current();
    if (current !== undefined && current.runId !== options.after) return current.runId;
    if (Date.now() > deadline)
      throw new Error('scanRegistration did not complete a snapshot in time (see the host output)');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
