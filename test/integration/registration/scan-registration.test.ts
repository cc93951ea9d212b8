import { ManagedIdentityCredential } from '@azure/identity';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import type { TenantData } from '../../../local/graph';
import { loadConfig } from '../../../src/lib/config';
import { createProtectedLookup } from '../../../src/lib/detection/protected-users';
import { createGraphClient } from '../../../src/lib/graph/client';
import { TELEPHONY_RETIREMENT } from '../../../src/lib/registration/classify';
import { scanRegistration, type ScanRegistrationDeps } from '../../../src/lib/registration/scan-registration';
import type { RegistrationSnapshotStore } from '../../../src/lib/registration/snapshot';
import { createTableSnapshotStore } from '../../../src/lib/registration/table-snapshot-store';
import { createQueueEventPublisher, type RecoveryEvent } from '../../../src/lib/storage/recovery-events';
import { demoSeed } from '../../support/demo-tenant';
import { useGraphSimulator } from '../../support/graph-fixture';
import { readCurrentSnapshot } from '../../support/registration-snapshot';
import { useAzurite } from '../storage/azurite-fixture';

// The registration scan against the simulator's report and Azurite: the first run, a change
// between runs, one registration.at_risk event per user newly at risk, an interrupted run.
// Expected classes come from the demo seed's methods (docs/registration.md), read before the
// retirement date with Microsoft as the telephony provider.

const graph = useGraphSimulator({ resetAfterEach: true });
const storage = useAzurite();
const NOW = new Date('2026-12-06T02:30:00Z');
/** Run ids sort by start time: later runs start later. */
const dayAfter = (days: number) => () => new Date(NOW.getTime() + days * 86_400_000);
const seed = demoSeed();
const idOf = (name: string) => {
  const user = seed.users.find((candidate) => candidate.userPrincipalName.startsWith(`${name}@`));
  if (user === undefined) throw new Error(`no ${name} in the demo seed`);
  return user.id;
};

/** The seed's at-risk users: a TAP doesn't count, so AlexW's office phone is all he has. */
const FIRST_RUN: Record<string, string> = {
  [idOf('$AlexW')]: 'sms_voice_only',
  [idOf('JohannaL')]: 'sms_voice_only',
  [idOf('GradyA')]: 'single_method',
  [idOf('DebraB')]: 'single_method',
  [idOf('NestorW')]: 'single_method',
  [idOf('LynneR')]: 'single_method',
  [idOf('MiriamG')]: 'single_method',
  [idOf('JoniS')]: 'single_method',
  [idOf('PradeepG')]: 'single_method',
};
const ENABLED_USERS = seed.users.filter((user) => user.accountEnabled).length;

interface Rig {
  deps: ScanRegistrationDeps;
  store: RegistrationSnapshotStore;
  events: () => Promise<RecoveryEvent[]>;
}

async function rig(options: { snapshotsKept?: number } = {}): Promise<Rig> {
  vi.stubEnv('IDENTITY_ENDPOINT', graph.identity.url);
  vi.stubEnv('IDENTITY_HEADER', graph.identity.header);
  const config = loadConfig({
    GRAPH_BASE_URL: graph.simulator.url,
    STORAGE_CONNECTION_STRING: storage.azurite.connectionString,
    GRAPH_MAX_RETRY_WAIT_SECONDS: '3',
  });
  const credential = new ManagedIdentityCredential({ clientId: graph.identity.clientId });
  const table = await storage.freshTable();
  const store = createTableSnapshotStore({
    table: () => Promise.resolve(table),
    snapshotsKept: options.snapshotsKept ?? 90,
  });
  const queue = QueueServiceClient.fromConnectionString(storage.azurite.connectionString).getQueueClient(
    storage.uniqueName('q'),
  );
  await queue.create();
  const publisher = createQueueEventPublisher({ queue });
  const seen: RecoveryEvent[] = [];
  return {
    store,
    deps: {
      reportsGraph: createGraphClient(config.graph, credential),
      graphOrigin: new URL(config.graph.baseUrl).origin,
      protectedLookup: createProtectedLookup(createGraphClient(config.graph, credential), config),
      snapshots: store,
      publish: (event) => publisher.publish(event),
      settings: {
        telephonyProvider: 'microsoft',
        telephonyRetirement: TELEPHONY_RETIREMENT,
        timeBudgetMs: 60_000,
      },
      now: () => NOW,
    },
    events: async () => {
      for (;;) {
        const batch = await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 3600 });
        if (batch.receivedMessageItems.length === 0) break;
        for (const item of batch.receivedMessageItems)
          seen.push(JSON.parse(item.messageText) as RecoveryEvent);
      }
      return [...seen];
    },
  };
}

const classes = (atRisk: { userId: string; class: string }[]) =>
  Object.fromEntries(atRisk.map((user) => [user.userId, user.class]));
const notified = (events: RecoveryEvent[]) =>
  events.map((event) => [event.targetId, (event.details as { class: string }).class]);
const total = (counts: Record<string, Partial<Record<string, number>>>) =>
  Object.values(counts)
    .flatMap((perClass) => Object.values(perClass))
    .reduce<number>((sum, count) => sum + (count ?? 0), 0);

/** The seed with some methods removed (by stored type), as a reset in the simulator would. */
function withoutMethods(removals: Record<string, string[]>): TenantData {
  const changed = structuredClone(seed);
  for (const user of changed.users) {
    const types = removals[user.id];
    if (types !== undefined)
      user.authenticationMethods = user.authenticationMethods.filter(
        (method) => !types.includes(method.type),
      );
  }
  return changed;
}

/** `tenant` and `count` more members after its users, each with a passkey (ready, never at risk). */
function withReadyMembers(tenant: TenantData, count: number): TenantData {
  const large = structuredClone(tenant);
  const passkey = tenant.users
    .flatMap((user) => user.authenticationMethods)
    .find((method) => method.type === 'fido2');
  for (let i = 0; i < count; i += 1) {
    const hex = i.toString(16).padStart(12, '0');
    large.users.push({
      id: `00000000-0000-4000-8000-${hex}`,
      userPrincipalName: `member${i}@contoso.onmicrosoft.com`,
      displayName: `Member ${i}`,
      authenticationMethods: [{ ...passkey, id: `10000000-0000-4000-8000-${hex}` }],
    } as unknown as TenantData['users'][number]);
  }
  return large;
}

beforeAll(() => graph.simulator.setReportsThrottling({ enabled: false }));
afterEach(() => vi.unstubAllEnvs());

describe('scanRegistration', () => {
  it('first run: a snapshot of every enabled user, the at-risk ones listed, one event each', async () => {
    const { deps, store, events } = await rig();
    expect(await readCurrentSnapshot(store)).toBeUndefined();
    const report = await scanRegistration(deps);
    expect(report).toMatchObject({ outcome: 'complete', users: ENABLED_USERS, atRisk: 9, notified: 9 });

    const current = await readCurrentSnapshot(store);
    expect(current?.summary.runId).toBe(report.runId);
    expect(classes(current?.atRisk ?? [])).toEqual(FIRST_RUN);
    expect(total(current?.summary.counts ?? {})).toBe(ENABLED_USERS);
    // The guest (phone + Authenticator) is counted apart, as ready.
    expect(current?.summary.counts.guest).toEqual({ ready: 1 });
    // DebraB is an eligible Global Administrator: protected, counted apart from members.
    expect(current?.atRisk.find((user) => user.userId === idOf('DebraB'))?.audience).toBe('protected');
    // GradyA is in a role-assignable group (protected too); AlexW is an ordinary member.
    expect(current?.atRisk.find((user) => user.userId === idOf('GradyA'))?.audience).toBe('protected');
    expect(current?.atRisk.find((user) => user.userId === idOf('$AlexW'))?.audience).toBe('member');
    expect(current?.atRisk.find((user) => user.userId === idOf('JohannaL'))?.telephonyEnds).toBe(
      '2027-02-01',
    );

    const sent = await events();
    expect(sent.every((event) => event.type === 'registration.at_risk')).toBe(true);
    expect(Object.fromEntries(notified(sent))).toEqual(FIRST_RUN);
  });

  it('a change between runs: the new snapshot replaces the old, events only for users newly at risk', async () => {
    const { deps, store, events } = await rig({ snapshotsKept: 1 });
    const first = await scanRegistration(deps);
    await events();
    // HenriettaM loses her passkey (Authenticator left: single_method); DebraB her Authenticator
    // (nothing left: no_mfa, another at-risk class).
    graph.simulator.reset(
      withoutMethods({ [idOf('HenriettaM')]: ['fido2'], [idOf('DebraB')]: ['microsoftAuthenticator'] }),
    );
    const second = await scanRegistration({ ...deps, now: dayAfter(1) });
    expect(second).toMatchObject({ outcome: 'complete', atRisk: 10, notified: 2, pruned: 1 });

    const current = await readCurrentSnapshot(store);
    expect(current?.summary.runId).toBe(second.runId);
    expect(classes(current?.atRisk ?? [])).toEqual({
      ...FIRST_RUN,
      [idOf('HenriettaM')]: 'single_method',
      [idOf('DebraB')]: 'no_mfa',
    });
    const sent = (await events()).slice(9);
    expect(notified(sent).sort()).toEqual(
      [
        [idOf('HenriettaM'), 'single_method'],
        [idOf('DebraB'), 'no_mfa'],
      ].sort(),
    );
    expect(first.runId < second.runId).toBe(true);

    // Nothing changes: no event at all.
    const third = await scanRegistration({ ...deps, now: dayAfter(2) });
    expect(third).toMatchObject({ outcome: 'complete', notified: 0 });
  });

  it('an interrupted run leaves the previous snapshot current, and its rerun sends no event twice', async () => {
    const { deps, store, events } = await rig();
    const first = await scanRegistration(deps);
    await events();
    graph.simulator.reset(withoutMethods({ [idOf('HenriettaM')]: ['fido2'] }));
    // Every row is written, then the host stops before the switch.
    const interrupted = await scanRegistration({
      ...deps,
      snapshots: { ...store, commit: () => Promise.reject(new Error('host stopped')) },
    });
    expect(interrupted.outcome).toBe('failed');
    const current = await readCurrentSnapshot(store);
    expect(current?.summary.runId).toBe(first.runId);
    expect(classes(current?.atRisk ?? [])).toEqual(FIRST_RUN);

    const rerun = await scanRegistration(deps);
    expect(rerun).toMatchObject({ outcome: 'complete', notified: 0 });
    expect(classes((await readCurrentSnapshot(store))?.atRisk ?? [])).toEqual({
      ...FIRST_RUN,
      [idOf('HenriettaM')]: 'single_method',
    });
    const sent = (await events()).slice(9);
    expect(notified(sent)).toEqual([[idOf('HenriettaM'), 'single_method']]);
  });

  it('Graph failing on a later page: the run fails, the previous snapshot stays, and the rerun sends no event twice', async () => {
    const { deps, store, events } = await rig();
    graph.simulator.reset(withReadyMembers(seed, 1000));
    const first = await scanRegistration(deps);
    expect(first).toMatchObject({ outcome: 'complete', pages: 2 });
    await events();

    // HenriettaM (on the first page) loses her passkey; the second page then fails past every retry.
    graph.simulator.reset(withReadyMembers(withoutMethods({ [idOf('HenriettaM')]: ['fido2'] }), 1000));
    let pagesWritten = 0;
    const failed = await scanRegistration({
      ...deps,
      now: dayAfter(1),
      snapshots: {
        ...store,
        writeAtRisk: async (runId, users) => {
          pagesWritten += 1;
          graph.simulator.injectFault({
            method: 'GET',
            path: 'userRegistrationDetails$',
            status: 503,
            retryAfter: 0,
            count: 10,
          });
          await store.writeAtRisk(runId, users);
        },
      },
    });
    expect(failed).toMatchObject({ outcome: 'failed', pages: 1, users: 999 });
    expect(pagesWritten).toBe(1);
    const current = await readCurrentSnapshot(store);
    expect(current?.summary.runId).toBe(first.runId);
    expect(classes(current?.atRisk ?? [])).toEqual(FIRST_RUN);
    // The failed run's first page was classified: HenriettaM's event is sent once, then claimed.
    expect(notified((await events()).slice(9))).toEqual([[idOf('HenriettaM'), 'single_method']]);

    graph.simulator.clearFaults();
    const rerun = await scanRegistration({ ...deps, now: dayAfter(2) });
    expect(rerun).toMatchObject({ outcome: 'complete', pages: 2, notified: 0 });
    expect(classes((await readCurrentSnapshot(store))?.atRisk ?? [])).toEqual({
      ...FIRST_RUN,
      [idOf('HenriettaM')]: 'single_method',
    });
    expect((await events()).slice(10)).toEqual([]);
  });

  it('reads the protected population once per run, however many report pages', async () => {
    const { deps } = await rig();
    const batches = () =>
      graph.simulator.requests().filter((request) => request.path.endsWith('/$batch')).length;
    const onePage = await scanRegistration(deps);
    expect(onePage.pages).toBe(1);
    const perRun = batches();
    expect(perRun).toBeGreaterThan(0);

    // 2,100 more members (ready, so nothing more to write): three pages of at most 999.
    graph.simulator.reset(withReadyMembers(seed, 2100));
    graph.simulator.clearRequests();
    const threePages = await scanRegistration({ ...deps, now: dayAfter(1) });
    expect(threePages).toMatchObject({ outcome: 'complete', pages: 3 });
    expect(batches()).toBe(perRun);
  });

  it('a tenant without P1: unlicensed, no snapshot', async () => {
    const { deps, store } = await rig();
    graph.simulator.reset({ ...structuredClone(seed), licences: { p1: false, p2: false } });
    const report = await scanRegistration(deps);
    expect(report.outcome).toBe('unlicensed');
    expect(await readCurrentSnapshot(store)).toBeUndefined();
  });
});
