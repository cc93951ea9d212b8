import { describe, expect, it, vi } from 'vitest';

import type { LockoutFlag, PastEpisode } from '../../../src/lib/detection/lockout-flag';
import type { LockoutStore } from '../../../src/lib/detection/repositories';
import { readLockoutReports } from '../../../src/lib/reports/lockout-report';
import { type AuditAttempt, type AuditLog, createTableAuditLog } from '../../../src/lib/storage/audit-log';
import { createTableLockoutStore } from '../../../src/lib/storage/lockouts';
import { createTableClient } from '../../../src/lib/storage/table-service';
import { deadStorage, manualClock, NO_CREDENTIAL, useAzurite } from '../storage/azurite-fixture';

// The lockout report over real Table Storage (Azurite): past episodes stored and read back, every
// page of flags and audit read once, and a store that cannot be read answered as reports_unavailable.

const storage = useAzurite();

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-11-02T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const userId = (n: number) => `${n.toString(16).padStart(8, '0')}-abcd-4ef0-8abc-0000000000ff`;

function flag(n: number, fields: Partial<LockoutFlag> = {}): LockoutFlag {
  return {
    userId: userId(n),
    userPrincipalName: `User${n}@contoso.com`,
    category: 'lockout',
    status: 'open',
    protected: false,
    lockoutAttempts: 3,
    attackAttempts: 0,
    firstFailureAt: iso(T0 + HOUR - 10 * 60_000),
    lastFailureAt: iso(T0 + HOUR - 60_000),
    recentEvents: [],
    countedAttempts: [],
    openedAt: iso(T0 + HOUR),
    updatedAt: iso(T0 + HOUR),
    openEventId: `event-${n}`,
    reopenCount: 0,
    ...fields,
  };
}

const episode = (day: number, ticket?: string): PastEpisode => ({
  category: day % 2 === 0 ? 'lockout' : 'suspected_attack',
  firstFailureAt: iso(T0 - day * DAY),
  openedAt: iso(T0 - day * DAY + HOUR),
  resolvedAt: iso(T0 - day * DAY + 2 * HOUR),
  ...(ticket ? { ticket } : {}),
});

async function stores() {
  const flags = await storage.freshTable();
  const audit = await storage.freshTable();
  const clock = manualClock(new Date(T0));
  return {
    lockouts: createTableLockoutStore({ table: () => Promise.resolve(flags) }),
    audit: createTableAuditLog({ table: () => Promise.resolve(audit), now: clock.now }),
    clock,
    flagTable: flags,
  };
}

const attempt = (n: number): AuditAttempt => ({
  action: 'mfa.reset',
  targetId: userId(n),
  caller: 'user:helpdesk',
  ticket: `INC${n}`,
  correlationId: `c-${n}`,
});

describe('past episodes in Table Storage', () => {
  it('round-trip through put, get and list, ten of them, tickets kept where there were any', async () => {
    const { lockouts } = await stores();
    const pastEpisodes = Array.from({ length: 10 }, (_, index) => episode(index + 1, index === 0 ? 'INC-7' : undefined));
    const written = flag(1, { reopenCount: 10, pastEpisodes });
    await lockouts.put(written, undefined);
    const read = await lockouts.get(userId(1));
    expect(read).toEqual({ ...written, etag: read?.etag });
    expect((await lockouts.list({})).lockouts[0]?.pastEpisodes).toEqual(pastEpisodes);
  });

  it('are stored as one JSON string property', async () => {
    const { lockouts, flagTable } = await stores();
    await lockouts.put(flag(2, { pastEpisodes: [episode(2, 'INC-2')] }), undefined);
    const row = await flagTable.getEntity<Record<string, unknown>>('lockout', userId(2));
    expect(typeof row.pastEpisodes).toBe('string');
    expect(JSON.parse(row.pastEpisodes as string)).toEqual([episode(2, 'INC-2')]);
  });

  it('a flag that never reopened has none, and reads back without the property', async () => {
    const { lockouts } = await stores();
    await lockouts.put(flag(3), undefined);
    expect(Object.keys((await lockouts.get(userId(3))) ?? {})).not.toContain('pastEpisodes');
  });

  it('are validated when read: a row with a malformed or unbounded history is refused, not half-read', async () => {
    const { lockouts, flagTable } = await stores();
    await lockouts.put(flag(4), undefined);
    await lockouts.put(flag(5), undefined);
    const tooMany = JSON.stringify(Array.from({ length: 11 }, (_, index) => episode(index + 1)));
    await flagTable.updateEntity({ partitionKey: 'lockout', rowKey: userId(4), pastEpisodes: tooMany }, 'Merge');
    await flagTable.updateEntity(
      { partitionKey: 'lockout', rowKey: userId(5), pastEpisodes: JSON.stringify([{ category: 'lockout' }]) },
      'Merge',
    );
    await expect(lockouts.get(userId(4))).rejects.toThrow();
    await expect(lockouts.get(userId(5))).rejects.toThrow();
  });
});

describe('readLockoutReports over Table Storage', () => {
  it('reads every page of flags and of the audit once, and computes each period from them', async () => {
    const { lockouts, audit, clock } = await stores();
    // 150 lockouts opened on 2 November 01:00 (two pages of flags); the first 120 resolved at 03:00
    // by a reset at 02:00 (two pages of audit).
    await lockouts.putMany(
      Array.from({ length: 150 }, (_, index) => ({
        flag:
          index < 120
            ? flag(index + 1, { status: 'resolved', resolvedAt: iso(T0 + 3 * HOUR), updatedAt: iso(T0 + 3 * HOUR) })
            : flag(index + 1),
        etag: undefined,
      })),
    );
    clock.set(new Date(T0 + 2 * HOUR));
    for (let n = 1; n <= 120; n += 1) await audit.complete(await audit.start(attempt(n)), { outcome: 'succeeded' });
    // One refusal of a protected target in the second week, and one before either period (not read).
    clock.set(new Date(T0 + 8 * DAY));
    await audit.refused(attempt(200), 'protected_account', 'protected');
    clock.set(new Date(T0 - DAY));
    await audit.refused(attempt(201), 'protected_account', 'protected');

    const listFlags = vi.spyOn(lockouts, 'list');
    const listAudit = vi.spyOn(audit, 'list');
    const weeks = [
      { from: new Date(T0), to: new Date(T0 + 7 * DAY) },
      { from: new Date(T0 + 7 * DAY), to: new Date(T0 + 14 * DAY) },
    ];
    const [first, second] = await readLockoutReports({ lockouts, audit }, weeks, new Date(T0 + 14 * DAY));

    expect(listFlags).toHaveBeenCalledTimes(2);
    expect(listAudit).toHaveBeenCalledTimes(2);
    for (const [call] of listAudit.mock.calls) expect(call.since).toEqual(new Date(T0));
    expect(first).toMatchObject({
      from: '2026-11-02T00:00:00.000Z',
      to: '2026-11-09T00:00:00.000Z',
      lockouts: { opened: 150, resolved: 120, open: 30 },
      detectionDelay: { count: 150, median: 600, p90: 600 },
      timeToRecover: { count: 120, median: 3600, p90: 3600 },
      resolutionsByAction: { 'mfa.reset': 120 },
      protectedRefusals: 0,
    });
    expect(second).toMatchObject({ lockouts: { opened: 0, resolved: 0, open: 0 }, protectedRefusals: 1 });
  });

  it('answers no reports for no periods, without reading', async () => {
    const listFlags = vi.fn();
    const listAudit = vi.fn();
    const lockouts = { list: listFlags } as unknown as LockoutStore;
    const audit = { list: listAudit } as unknown as AuditLog;
    expect(await readLockoutReports({ lockouts, audit }, [])).toEqual([]);
    expect(listFlags).not.toHaveBeenCalled();
    expect(listAudit).not.toHaveBeenCalled();
  });

  it('is reports_unavailable when Table Storage cannot be reached', async () => {
    const dead = await deadStorage();
    const client = (name: string) => createTableClient(dead, NO_CREDENTIAL, name, { retryOptions: { maxRetries: 0 } });
    const week = [{ from: new Date(T0), to: new Date(T0 + 7 * DAY) }];
    const lockouts = createTableLockoutStore({ table: () => Promise.resolve(client('Lockouts')) });
    const audit = createTableAuditLog({ table: () => Promise.resolve(client('Audit')) });
    await expect(readLockoutReports({ lockouts, audit }, week)).rejects.toMatchObject({
      code: 'reports_unavailable',
      status: 503,
    });
    // Either store alone is enough to fail the report.
    const live = await stores();
    await expect(readLockoutReports({ lockouts, audit: live.audit }, week)).rejects.toMatchObject({
      code: 'reports_unavailable',
    });
    await expect(readLockoutReports({ lockouts: live.lockouts, audit }, week)).rejects.toMatchObject({
      code: 'reports_unavailable',
    });
  });
});
