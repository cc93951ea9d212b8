import { beforeEach, describe, expect, it } from 'vitest';

import { registerAsUser } from '../../../local/graph/registration-control';
import { detectLockouts } from '../../../src/lib/detection/detect-lockouts';
import { watchRecoveries } from '../../../src/lib/detection/post-recovery-watch';
import { createTableAuditLog } from '../../../src/lib/storage/audit-log';
import type { NewRecoveryEvent } from '../../../src/lib/storage/recovery-events';
import { demoSeedUser } from '../../support/demo-tenant';
import { useGraphSimulator } from '../../support/graph-fixture';
import { useAzurite } from '../storage/azurite-fixture';
import { detectionRig } from './detection-fixture';

// The watch after a recovery, run by the lockout scan against the Graph simulator (registrations,
// sign-ins) and Azurite (the audit trail it learns recoveries from, the flags it writes).

const graph = useGraphSimulator({ resetAfterEach: true });
const storage = useAzurite();
const adele = demoSeedUser('ordinaryUser');
const megan = demoSeedUser('globalAdministrator');

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
const HOME = { ipAddress: '203.0.113.7', countryOrRegion: 'GB' };

beforeEach(() => {
  graph.simulator.setReportsThrottling({ enabled: false });
});

/** The scan with the watch wired as services.ts wires it; a TAP for `userId` audited 30 minutes ago. */
async function watchRig(userId = adele.id) {
  const rig = await detectionRig(graph, storage);
  const table = await storage.freshTable();
  const audit = createTableAuditLog({ table: () => Promise.resolve(table), now: () => minutesAgo(30) });
  const entry = await audit.start({
    action: 'tap.issue',
    targetId: userId,
    caller: 'function-key',
    ticket: 'INC-42',
    correlationId: 'c-1',
  });
  await audit.complete(entry, { outcome: 'succeeded' });
  const events: NewRecoveryEvent[] = [];
  const watchDeps = {
    reportsGraph: rig.deps.reportsGraph,
    graphOrigin: rig.deps.graphOrigin,
    lockouts: rig.deps.lockouts,
    audit,
    publish: (event: NewRecoveryEvent) => {
      events.push(event);
      return Promise.resolve();
    },
    settings: {
      watchMs: rig.config.detection.postRecoveryWatchMs,
      baselineMs: rig.config.detection.postRecoveryBaselineMs,
    },
  };
  rig.deps.watch = (window, options) => watchRecoveries(watchDeps, window, options);
  // Where the user signed in before: two days ago, from home.
  graph.simulator.addSignIns([
    {
      userId,
      createdDateTime: minutesAgo(2 * 24 * 60).toISOString(),
      ipAddress: HOME.ipAddress,
      location: { city: 'London', state: null, countryOrRegion: HOME.countryOrRegion },
      status: { errorCode: 0 },
    },
  ]);
  return { rig, events, recovery: entry };
}

const registerFrom = (user: string, place: { ipAddress: string; countryOrRegion: string }, minutes: number) =>
  registerAsUser(graph.simulator.tenant, { user, ...place, at: minutesAgo(minutes).toISOString() });

describe('the watch after a recovery', () => {
  it('flags a method registered from a new country after a TAP: one flag, one high-severity event, once', async () => {
    const { rig, events, recovery } = await watchRig();
    const { audit } = registerFrom(adele.id, { ipAddress: '192.0.2.44', countryOrRegion: 'NG' }, 20);

    const report = await detectLockouts(rig.deps);
    expect(report.outcome).toBe('complete');
    expect(report.watch).toEqual({ recoveries: 1, registrations: 1, users: 1, raised: 1, complete: true });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'security.post_recovery_anomaly',
      severity: 'high',
      targetId: adele.id,
      details: {
        flag: 'opened',
        recovery: { action: 'tap.issue', auditId: recovery.id },
        registrations: [
          {
            id: audit.id,
            ipAddress: '192.0.2.44',
            country: 'NG',
            reasons: ['new_ip_address', 'new_country'],
          },
        ],
      },
    });
    const flag = await rig.deps.lockouts.get(adele.id);
    expect(flag).toMatchObject({
      category: 'post_recovery_anomaly',
      status: 'open',
      openEventId: events[0]?.eventId,
      anomaly: { recovery: { auditId: recovery.id, action: 'tap.issue' }, registrations: [{ id: audit.id }] },
    });
    expect((await rig.deps.lockouts.list({ category: 'post_recovery_anomaly' })).lockouts).toHaveLength(1);

    // The next run re-reads the same audit (look-back): nothing is raised again.
    const again = await detectLockouts(rig.deps);
    expect(again.watch?.raised).toBe(0);
    expect(events).toHaveLength(1);
    expect((await rig.deps.lockouts.get(adele.id))?.etag).toBe(flag?.etag);
  });

  it('lets one method registered from home pass', async () => {
    const { rig, events } = await watchRig();
    registerFrom(adele.id, HOME, 20);
    const report = await detectLockouts(rig.deps);
    expect(report.watch).toMatchObject({ users: 1, raised: 0 });
    expect(events).toEqual([]);
    expect(await rig.deps.lockouts.get(adele.id)).toBeUndefined();
  });

  it('flags a second method registered in the window, even from home, raising both', async () => {
    const { rig, events } = await watchRig();
    const first = registerFrom(adele.id, HOME, 25);
    expect((await detectLockouts(rig.deps)).watch?.raised).toBe(0);
    const second = registerFrom(adele.id, HOME, 20);
    const report = await detectLockouts(rig.deps);
    expect(report.watch?.raised).toBe(2);
    expect(events).toHaveLength(1);
    expect(
      (events[0]?.details?.registrations as { id: string; reasons: string[] }[]).map((r) => [
        r.id,
        r.reasons,
      ]),
    ).toEqual([
      [second.audit.id, ['several_methods']],
      [first.audit.id, ['several_methods']],
    ]);
  });

  it("ignores registrations of users nobody recovered, and the app's own TAP", async () => {
    const { rig, events } = await watchRig();
    registerFrom(megan.id, { ipAddress: '192.0.2.44', countryOrRegion: 'NG' }, 20);
    const adeleSeed = graph.simulator.tenant.findUser(adele.id);
    if (!adeleSeed) throw new Error('no Adele');
    graph.simulator.tenant.directoryAudits.adminRegistered(
      adeleSeed,
      'Temporary Access Pass',
      'app',
      minutesAgo(29),
    );
    const report = await detectLockouts(rig.deps);
    expect(report.watch).toMatchObject({ recoveries: 1, registrations: 1, users: 0, raised: 0 });
    expect(events).toEqual([]);
  });

  it('reads no audit at all while nobody is in a window', async () => {
    const rig = await detectionRig(graph, storage);
    const table = await storage.freshTable();
    rig.deps.watch = (window, options) =>
      watchRecoveries(
        {
          reportsGraph: rig.deps.reportsGraph,
          graphOrigin: rig.deps.graphOrigin,
          lockouts: rig.deps.lockouts,
          audit: createTableAuditLog({ table: () => Promise.resolve(table) }),
          publish: () => Promise.reject(new Error('nothing to publish')),
          settings: { watchMs: 3_600_000, baselineMs: 86_400_000 },
        },
        window,
        options,
      );
    const report = await detectLockouts(rig.deps);
    expect(report.watch).toEqual({ recoveries: 0, registrations: 0, users: 0, raised: 0, complete: true });
    expect(graph.simulator.requests().filter((request) => request.path.includes('directoryAudits'))).toEqual(
      [],
    );
  });
});
