import { TableClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { describe, expect, it } from 'vitest';

import { DEFAULT_SNAPSHOTS_KEPT } from '../../src/lib/registration/snapshot';
import { createTableSnapshotStore } from '../../src/lib/registration/table-snapshot-store';
import { TABLES } from '../../src/lib/storage/tables';
import { demoSeed } from '../support/demo-tenant';
import { readCurrentSnapshot } from '../support/registration-snapshot';
import { callStack } from '../support/stack-call';
import { useStack } from '../support/stack-fixture';

// The stack as `npm start` brings it up with history (fewer weeks, no timers): the seeded rows
// are what the app's own routes read, and the current snapshot is a real scan that followed them.

const WEEKS = 2;
const stack = useStack({ hostOutput: 'pipe', history: { weeks: WEEKS } }, { startTimeoutMs: 120_000 });

describe('a stack with history', () => {
  it('lists the seeded open flags and audit rows through the API', async () => {
    const seeded = stack().history?.seeded;
    expect(seeded?.weeks).toHaveLength(WEEKS);
    const open = await callStack(stack(), 'GET', '/lockouts?status=open&limit=100');
    expect(open.status).toBe(200);
    expect(open.body.lockouts).toHaveLength(seeded?.flags.byStatus.open ?? -1);
    const refused = await callStack(stack(), 'GET', '/audit?outcome=refused&limit=100');
    const refusals = seeded?.weeks.reduce((sum, week) => sum + week.protectedRefusals, 0);
    expect(refused.body.entries).toHaveLength(refusals ?? -1);
  });

  it('makes a real scan of the simulator the current snapshot, after the seeded ones', async () => {
    const snapshots = createTableSnapshotStore({
      table: () =>
        Promise.resolve(
          TableClient.fromConnectionString(stack().storageConnectionString, TABLES.registrationSnapshots, {
            allowInsecureConnection: true,
          }),
        ),
      snapshotsKept: DEFAULT_SNAPSHOTS_KEPT,
    });
    const current = await readCurrentSnapshot(snapshots);
    expect(current?.summary.runId).toBe(stack().history?.scanRunId);
    expect((current?.summary.runId ?? '') > (stack().history?.seeded.snapshots.latestRunId ?? '')).toBe(true);
    expect(current?.summary.users).toBe(demoSeed().users.filter((user) => user.accountEnabled).length);
    // The history's newest snapshot already held today's at-risk users in today's classes, so the
    // scan found nobody newly at risk: no registration.at_risk event.
    const queue = QueueServiceClient.fromConnectionString(stack().storageConnectionString).getQueueClient(
      'recovery-events',
    );
    await queue.createIfNotExists();
    const peeked = await queue.peekMessages({ numberOfMessages: 32 });
    const types = peeked.peekedMessageItems.map(
      (item) => (JSON.parse(item.messageText) as { type: string }).type,
    );
    expect(types.filter((type) => type === 'registration.at_risk')).toEqual([]);
    expect(current?.atRisk).toHaveLength(9);
    // The scan read the simulator's report: one request for the registration details at least.
    expect(
      stack()
        .graph.requests()
        .some((request) => request.path.includes('userRegistrationDetails')),
    ).toBe(true);
  });
});
