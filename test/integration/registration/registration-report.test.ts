import type { TableClient } from '@azure/data-tables';
import { describe, expect, it } from 'vitest';

import { AppError } from '../../../src/lib/http/problem';
import type { AtRiskClass } from '../../../src/lib/registration/classify';
import { type AtRiskUser, emptyCounts } from '../../../src/lib/registration/snapshot';
import { createTableSnapshotStore } from '../../../src/lib/registration/table-snapshot-store';
import { listRegistrationUsers, readRegistrationReport } from '../../../src/lib/reports/registration-report';
import { createTableClient } from '../../../src/lib/storage/table-service';
import { deadStorage, NO_CREDENTIAL, useAzurite } from '../storage/azurite-fixture';

// The snapshot store's readers and the report built on them, on Azurite: snapshots are written as
// the scan writes them (begin, rows, commit), then read back through listSnapshots, listAtRisk and
// the two report functions.

const storage = useAzurite();
const RETIREMENT = new Date('2027-02-01T00:00:00Z');

const userId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const user = (n: number, cls: AtRiskClass): AtRiskUser => ({
  userId: userId(n),
  userPrincipalName: `user${n}@contoso.onmicrosoft.com`,
  displayName: `User ${n}`,
  audience: 'member',
  class: cls,
  methodsRegistered: cls === 'sms_voice_only' ? ['mobilePhone'] : ['microsoftAuthenticatorPush'],
  ...(cls === 'sms_voice_only' ? { telephonyEnds: '2027-02-01' } : {}),
});

function storeOn(table: TableClient, snapshotsKept = 90) {
  return createTableSnapshotStore({ table: () => Promise.resolve(table), snapshotsKept });
}

/** Writes and switches to one snapshot as a scan does; run ids sort by the day given. */
async function snapshot(
  store: ReturnType<typeof storeOn>,
  day: number,
  users: AtRiskUser[],
): Promise<string> {
  const runId = `2026-12-${String(day).padStart(2, '0')}T023000000Z-0000000${day % 10}`;
  const startedAt = `2026-12-${String(day).padStart(2, '0')}T02:30:00.000Z`;
  await store.begin(runId, startedAt);
  await store.writeAtRisk(runId, users);
  const counts = emptyCounts();
  for (const one of users) counts.member[one.class] = (counts.member[one.class] ?? 0) + 1;
  counts.member.ready = 5;
  const current = await store.current();
  expect(
    await store.commit(
      { runId, startedAt, finishedAt: startedAt, users: users.length + 5, counts },
      current?.etag,
    ),
  ).toBe(true);
  return runId;
}

const expectInvalidToken = async (promise: Promise<unknown>, detail: RegExp) => {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ code: 'invalid_request', status: 400 });
  expect((error as AppError).detail).toMatch(detail);
};

describe('registration report on Table Storage', () => {
  it('before the first scan: no latest, no trend, an empty page', async () => {
    const store = storeOn(await storage.freshTable());
    expect(
      await readRegistrationReport(store, {
        telephonyProvider: 'microsoft',
        telephonyRetirement: RETIREMENT,
      }),
    ).toEqual({
      telephonyProvider: 'microsoft',
      telephonyRetirement: '2027-02-01T00:00:00.000Z',
      latest: null,
      trend: [],
    });
    expect(await listRegistrationUsers(store, { class: 'single_method' })).toEqual({ users: [] });
  });

  it('listSnapshots and the report: the kept complete snapshots oldest first, never a run still writing', async () => {
    const store = storeOn(await storage.freshTable(), 2);
    await snapshot(store, 1, [user(1, 'no_mfa')]);
    const second = await snapshot(store, 2, [user(1, 'single_method')]);
    const third = await snapshot(store, 3, [user(2, 'sms_voice_only'), user(3, 'sms_voice_only')]);
    // A run that has begun but not finished.
    await store.begin('2026-12-04T023000000Z-00000004', '2026-12-04T02:30:00.000Z');

    // Not pruned yet: three complete snapshots, two kept.
    const listed = await store.listSnapshots();
    expect(listed.map((summary) => summary.runId)).toEqual([second, third]);

    const report = await readRegistrationReport(store, {
      telephonyProvider: 'custom',
      telephonyRetirement: new Date('2027-06-01T00:00:00Z'),
    });
    expect(report).toMatchObject({
      telephonyProvider: 'custom',
      telephonyRetirement: '2027-06-01T00:00:00.000Z',
    });
    expect(report.trend.map((entry) => entry.runId)).toEqual([second, third]);
    expect(report.latest).toEqual({
      runId: third,
      startedAt: '2026-12-03T02:30:00.000Z',
      finishedAt: '2026-12-03T02:30:00.000Z',
      users: 7,
      counts: { member: { sms_voice_only: 2, ready: 5 }, guest: {}, protected: {} },
    });
  });

  it('a newer complete run the pointer does not name is left out of the trend', async () => {
    const store = storeOn(await storage.freshTable());
    const current = await snapshot(store, 1, []);
    const etag = (await store.current())?.etag;
    await snapshot(store, 2, []);
    // Day 3 finishes after day 2 but from day 1's ETag: marked complete, the switch refused.
    await store.begin('2026-12-03T023000000Z-00000003', '2026-12-03T02:30:00.000Z');
    const switched = await store.commit(
      {
        runId: '2026-12-03T023000000Z-00000003',
        startedAt: '2026-12-03T02:30:00.000Z',
        finishedAt: '2026-12-03T02:31:00.000Z',
        users: 0,
        counts: emptyCounts(),
      },
      etag,
    );
    expect(switched).toBe(false);
    expect((await store.listSnapshots()).map((summary) => summary.runId)).toEqual([
      current,
      '2026-12-02T023000000Z-00000002',
    ]);
  });

  it('listAtRisk: one class only, full pages in object id order, a token until the last page', async () => {
    const store = storeOn(await storage.freshTable());
    const users = [
      ...[7, 1, 5, 3, 6, 2, 4].map((n) => user(n, 'single_method')),
      ...[8, 9, 10].map((n) => user(n, 'no_mfa')),
    ];
    const runId = await snapshot(store, 1, users);
    const pages: string[][] = [];
    let continuationToken: string | undefined;
    do {
      const page = await store.listAtRisk(runId, 'single_method', {
        limit: 3,
        ...(continuationToken === undefined ? {} : { continuationToken }),
      });
      if (page === undefined) throw new Error('the run should be kept');
      pages.push(page.users.map((one) => one.userId));
      continuationToken = page.continuationToken;
    } while (continuationToken !== undefined);
    expect(pages).toEqual([
      [userId(1), userId(2), userId(3)],
      [userId(4), userId(5), userId(6)],
      [userId(7)],
    ]);
    const noMfa = await store.listAtRisk(runId, 'no_mfa', { limit: 100 });
    expect(noMfa).toEqual({ users: [user(8, 'no_mfa'), user(9, 'no_mfa'), user(10, 'no_mfa')] });
    expect(await store.listAtRisk(runId, 'weak_only', { limit: 100 })).toEqual({ users: [] });
    expect(await store.listAtRisk('2026-12-09T023000000Z-00000009', 'no_mfa', { limit: 1 })).toBeUndefined();
  });

  it('the users route pages through the snapshot its token names, even after a newer scan switched', async () => {
    const table = await storage.freshTable();
    const store = storeOn(table, 1);
    const old = await snapshot(
      store,
      1,
      [1, 2, 3].map((n) => user(n, 'sms_voice_only')),
    );
    const first = await listRegistrationUsers(store, { class: 'sms_voice_only', limit: 2 });
    expect(first.runId).toBe(old);
    expect(first.users.map((one) => one.userId)).toEqual([userId(1), userId(2)]);
    expect(first.users[0]).toEqual({
      userId: userId(1),
      userPrincipalName: 'user1@contoso.onmicrosoft.com',
      displayName: 'User 1',
      audience: 'member',
      class: 'sms_voice_only',
      methodsRegistered: ['mobilePhone'],
      telephonyEnds: '2027-02-01T00:00:00.000Z',
    });
    expect(first.continuationToken).toEqual(expect.any(String));

    // A newer scan switches (its rows differ); pruning is not run yet, so the old one is still there.
    const newer = await snapshot(store, 2, [user(4, 'sms_voice_only')]);
    const second = await listRegistrationUsers(store, {
      class: 'sms_voice_only',
      limit: 2,
      continuationToken: first.continuationToken,
    });
    expect(second).toEqual({ runId: old, users: [expect.objectContaining({ userId: userId(3) })] });
    // A fresh listing starts from the newer snapshot.
    expect(await listRegistrationUsers(store, { class: 'sms_voice_only' })).toEqual({
      runId: newer,
      users: [expect.objectContaining({ userId: userId(4) })],
    });

    // The token is for its class only.
    await expectInvalidToken(
      listRegistrationUsers(store, {
        class: 'single_method',
        continuationToken: first.continuationToken,
      }),
      /class sms_voice_only/,
    );
    // Once the old snapshot is pruned (one kept), its token can't continue: 400, start again.
    expect(await store.prune()).toBe(1);
    await expectInvalidToken(
      listRegistrationUsers(store, {
        class: 'sms_voice_only',
        limit: 2,
        continuationToken: first.continuationToken,
      }),
      /no longer kept/,
    );
  });

  it('refuses tokens it did not issue: malformed, forged fields, a page token of another shape', async () => {
    const store = storeOn(await storage.freshTable());
    const runId = await snapshot(
      store,
      1,
      [1, 2, 3].map((n) => user(n, 'no_mfa')),
    );
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const otherPartition = Buffer.from(JSON.stringify({ nextPartitionKey: 'x', nextRowKey: 'y' })).toString(
      'base64',
    );
    const otherShape = Buffer.from(JSON.stringify({ partition: 'pointer' })).toString('base64');
    for (const continuationToken of [
      'not a token',
      encode({ v: 1, run: runId, class: 'no_mfa' }),
      encode({ v: 2, run: runId, class: 'no_mfa', page: otherPartition }),
      encode({ v: 1, run: runId, class: 'ready', page: otherPartition }),
      encode({ v: 1, run: runId, class: 'no_mfa', page: otherShape }),
      encode({ v: 1, run: runId, class: 'no_mfa', page: Buffer.from('{').toString('base64') }),
    ]) {
      await expectInvalidToken(
        listRegistrationUsers(store, { class: 'no_mfa', continuationToken }),
        /not (a token this service issued|valid)/,
      );
    }
  });

  it('storage down: reports_unavailable, for the report and the users', async () => {
    const client = createTableClient(await deadStorage(), NO_CREDENTIAL, 'RegistrationSnapshots', {
      retryOptions: { maxRetries: 0 },
    });
    const store = storeOn(client);
    await expect(
      readRegistrationReport(store, { telephonyProvider: 'microsoft', telephonyRetirement: RETIREMENT }),
    ).rejects.toMatchObject({
      code: 'reports_unavailable',
      status: 503,
    });
    await expect(listRegistrationUsers(store, { class: 'no_mfa' })).rejects.toMatchObject({
      code: 'reports_unavailable',
    });
  });
});
