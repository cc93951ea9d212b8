import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Azurite, startAzurite } from '../../../local/azurite';
import {
  HistoryAlreadySeededError,
  type HistorySummary,
  seedHistory,
} from '../../../local/history/seed-history';
import type { StoredLockoutFlag } from '../../../src/lib/detection/lockout-flag';
import { DEFAULT_SNAPSHOTS_KEPT } from '../../../src/lib/registration/snapshot';
import { createTableSnapshotStore } from '../../../src/lib/registration/table-snapshot-store';
import { type AuditEntry, createTableAuditLog } from '../../../src/lib/storage/audit-log';
import { createTableLockoutStore } from '../../../src/lib/storage/lockouts';
import { TABLES } from '../../../src/lib/storage/tables';
import { demoSeed } from '../../support/demo-tenant';
import { readCurrentSnapshot } from '../../support/registration-snapshot';

// The seeded history read back through the app's own stores, checked against the summary
// seedHistory returns and against what a flag, an audit row and a snapshot mean
// (src/lib/detection/lockout-flag.ts, src/lib/storage/audit-log.ts, docs/registration.md).

const NOW = new Date('2026-12-06T04:00:00.000Z');
const WEEKS = 12;
const DAY = 86_400_000;
const RECOVERIES = new Set(['mfa.reset', 'tap.issue', 'mfa.recover']);

let azurite: Azurite;
let summary: HistorySummary;
const client = (table: string) =>
  TableClient.fromConnectionString(azurite.connectionString, table, { allowInsecureConnection: true });
const lockouts = () => createTableLockoutStore({ table: () => Promise.resolve(client(TABLES.lockouts)) });
const audit = () => createTableAuditLog({ table: () => Promise.resolve(client(TABLES.audit)) });

async function allFlags(): Promise<StoredLockoutFlag[]> {
  const flags: StoredLockoutFlag[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await lockouts().list({ limit: 100, ...(continuationToken ? { continuationToken } : {}) });
    flags.push(...page.lockouts);
    continuationToken = page.continuationToken;
  } while (continuationToken !== undefined);
  return flags;
}

async function allAudit(): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await audit().list({ limit: 100, ...(continuationToken ? { continuationToken } : {}) });
    entries.push(...page.entries);
    continuationToken = page.continuationToken;
  } while (continuationToken !== undefined);
  return entries;
}

const weekOf = (time: string) => Math.floor((Date.parse(time) - Date.parse(summary.from)) / (7 * DAY));
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const total = (counts: Record<string, Partial<Record<string, number>>>, cls?: string) =>
  Object.values(counts)
    .flatMap((perClass) => Object.entries(perClass))
    .filter(([name]) => cls === undefined || name === cls)
    .reduce((sum, [, count]) => sum + (count ?? 0), 0);

beforeAll(async () => {
  azurite = await startAzurite();
  summary = await seedHistory({ storageConnectionString: azurite.connectionString, weeks: WEEKS, now: NOW });
});
afterAll(async () => {
  await azurite.stop();
});

describe('seedHistory', () => {
  it('writes a flag per user, in the statuses and categories the summary names', async () => {
    const flags = await allFlags();
    expect(flags).toHaveLength(summary.flags.total);
    const count = (key: 'status' | 'category', value: string) =>
      flags.filter((flag) => flag[key] === value).length;
    for (const [status, n] of Object.entries(summary.flags.byStatus)) expect(count('status', status)).toBe(n);
    for (const [category, n] of Object.entries(summary.flags.byCategory))
      expect(count('category', category)).toBe(n);
    // Some of everything the dashboard shows now.
    expect(summary.flags.byStatus.open).toBeGreaterThan(0);
    expect(summary.flags.byStatus.resolved).toBeGreaterThan(summary.flags.byStatus.open);
    expect(flags.some((flag) => flag.category === 'suspected_attack' && flag.status !== 'resolved')).toBe(
      true,
    );
    expect(summary.flags.byCategory.post_recovery_anomaly).toBeGreaterThanOrEqual(2);

    for (const flag of flags) {
      expect(Date.parse(flag.firstFailureAt)).toBeLessThanOrEqual(Date.parse(flag.openedAt));
      expect(Date.parse(flag.openedAt)).toBeGreaterThanOrEqual(Date.parse(summary.from) - DAY);
      expect(Date.parse(flag.updatedAt)).toBeLessThanOrEqual(NOW.getTime());
      if (flag.status === 'resolved') {
        expect(Date.parse(flag.resolvedAt ?? '')).toBeGreaterThan(Date.parse(flag.openedAt));
        expect(flag.ticket).toMatch(/^INC\d+$/);
      } else {
        expect(flag.resolvedAt).toBeUndefined();
      }
      if (flag.category === 'post_recovery_anomaly')
        expect(flag.anomaly?.registrations.length).toBeGreaterThan(0);
    }
  });

  it('resolves lockouts with a succeeded recovery audited at the flag’s resolution, or by a person', async () => {
    const [flags, entries] = await Promise.all([allFlags(), allAudit()]);
    const byTicket = new Map(
      entries.filter((entry) => entry.outcome === 'succeeded').map((e) => [e.ticket, e]),
    );
    const resolved = flags.filter((flag) => flag.status === 'resolved');
    expect(resolved.length).toBeGreaterThan(0);
    for (const flag of resolved) {
      const entry = byTicket.get(flag.ticket);
      expect(entry?.targetId).toBe(flag.userId);
      expect(entry?.completedTime).toBe(flag.resolvedAt);
      if (flag.category === 'lockout')
        expect(RECOVERIES.has(entry?.action ?? '') || entry?.action === 'lockout.resolve').toBe(true);
      // Security operations close attacks and anomalies; a recovery is no answer to them.
      else expect(entry?.action).toBe('lockout.resolve');
    }
    // An anomaly names the recovery it followed, a succeeded row of the same user before it.
    for (const flag of flags.filter((candidate) => candidate.anomaly !== undefined)) {
      const recovery = entries.find((entry) => entry.id === flag.anomaly?.recovery.auditId);
      expect(recovery).toMatchObject({
        outcome: 'succeeded',
        targetId: flag.userId,
        action: flag.anomaly?.recovery.action,
      });
      expect(recovery?.time).toBe(flag.anomaly?.recovery.time);
      expect(Date.parse(recovery?.time ?? '')).toBeLessThan(Date.parse(flag.firstFailureAt));
    }
  });

  it('audits every action at its historical time: rows per action and outcome, refusals per week', async () => {
    const entries = await allAudit();
    expect(entries).toHaveLength(summary.audit.total);
    const counted: Record<string, Record<string, number>> = {};
    for (const entry of entries) {
      const perOutcome = (counted[entry.action] ??= {});
      perOutcome[entry.outcome] = (perOutcome[entry.outcome] ?? 0) + 1;
      expect(Date.parse(entry.time)).toBeGreaterThanOrEqual(Date.parse(summary.from));
      expect(Date.parse(entry.time)).toBeLessThan(NOW.getTime());
      expect(Date.parse(entry.completedTime ?? '')).toBeGreaterThanOrEqual(Date.parse(entry.time));
    }
    expect(counted).toEqual(summary.audit.byAction);
    // Newest first, as the log lists: the row keys carry the historical times.
    expect(entries.map((entry) => entry.time)).toEqual(
      entries
        .map((entry) => entry.time)
        .sort()
        .reverse(),
    );

    const refusals = entries.filter((entry) => entry.outcome === 'refused');
    const seed = demoSeed();
    const protectedIds = new Set(
      [
        seed.demo.globalAdministrator,
        seed.demo.protectedGroupMember,
        seed.demo.eligibleGlobalAdministrator,
        seed.demo.breakGlass,
      ].map((upn) => seed.users.find((user) => user.userPrincipalName === upn)?.id.toLowerCase()),
    );
    for (const refusal of refusals) {
      expect(protectedIds.has(refusal.targetId)).toBe(true);
      expect(['protected_account', 'break_glass_account']).toContain(refusal.code);
    }
    const perWeek = summary.weeks.map(
      (week) => refusals.filter((entry) => weekOf(entry.time) === week.week).length,
    );
    expect(perWeek).toEqual(summary.weeks.map((week) => week.protectedRefusals));
    expect(refusals.length).toBeGreaterThan(0);
  });

  it('keeps a weekly registration snapshot drifting towards ready, the latest one current', async () => {
    const store = createTableSnapshotStore({
      table: () => Promise.resolve(client(TABLES.registrationSnapshots)),
      snapshotsKept: DEFAULT_SNAPSHOTS_KEPT,
    });
    const current = await readCurrentSnapshot(store);
    const latest = summary.weeks[WEEKS - 1]?.snapshot;
    expect(current?.summary).toMatchObject({
      runId: latest?.runId,
      users: latest?.users,
      counts: latest?.counts,
    });
    expect(current?.atRisk).toHaveLength(latest?.atRisk ?? -1);
    // The trend: one complete run a week, with the counts the summary names (the store has no
    // listing of runs yet, so the `runs` rows are read as the store writes them).
    const runs = [];
    for await (const row of client(TABLES.registrationSnapshots).listEntities<{
      state: string;
      counts: string;
      startedAt: string;
    }>({
      queryOptions: { filter: "PartitionKey eq 'runs'" },
    }))
      runs.push({
        runId: row.rowKey,
        state: row.state,
        startedAt: row.startedAt,
        counts: JSON.parse(row.counts) as Record<string, Record<string, number>>,
      });
    expect(runs).toEqual(
      summary.weeks.map((week) => ({
        runId: week.snapshot.runId,
        state: 'complete',
        startedAt: week.snapshot.startedAt,
        counts: week.snapshot.counts,
      })),
    );
    // The newest holds today's at-risk users in today's classes (the seed's methods, as the scan
    // classifies them: a TAP doesn't count, so AlexW's office phone is all he has).
    const upn = (userId: string) =>
      demoSeed()
        .users.find((user) => user.id.toLowerCase() === userId)
        ?.userPrincipalName.split('@')[0];
    expect(Object.fromEntries((current?.atRisk ?? []).map((user) => [upn(user.userId), user.class]))).toEqual(
      {
        $AlexW: 'sms_voice_only',
        JohannaL: 'sms_voice_only',
        ...Object.fromEntries(
          ['GradyA', 'DebraB', 'NestorW', 'LynneR', 'MiriamG', 'JoniS', 'PradeepG'].map((name) => [
            name,
            'single_method',
          ]),
        ),
      },
    );
    // Every snapshot counts the demo tenant's enabled users; ready never falls, at risk never rises.
    const users = demoSeed().users.filter((user) => user.accountEnabled).length;
    const ready = summary.weeks.map((week) => total(week.snapshot.counts, 'ready'));
    for (const week of summary.weeks) expect(total(week.snapshot.counts)).toBe(users);
    expect(ready).toEqual([...ready].sort((a, b) => a - b));
    expect(ready[WEEKS - 1]).toBeGreaterThan(ready[0] ?? Infinity);
    const atRisk = summary.weeks.map((week) => week.snapshot.atRisk);
    expect(atRisk).toEqual([...atRisk].sort((a, b) => b - a));
  });

  it('improves time to recover week over week', () => {
    const early = summary.weeks.slice(0, 4).flatMap((week) => week.timeToRecoverSeconds);
    const late = summary.weeks.slice(-4).flatMap((week) => week.timeToRecoverSeconds);
    expect(median(late)).toBeLessThan(median(early) / 3);
    for (const week of summary.weeks) {
      expect(week.lockouts.opened).toBe(week.lockouts.resolved + week.lockouts.open);
      expect(week.timeToRecoverSeconds).toHaveLength(week.lockouts.resolved);
      expect(Object.values(week.resolutionsByAction).reduce((sum, n) => sum + (n ?? 0), 0)).toBe(
        week.lockouts.resolved,
      );
    }
    expect(summary.weeks.reduce((sum, week) => sum + week.reLockoutsWithin7Days, 0)).toBeGreaterThan(0);
  });

  // Passes once the lockout store keeps pastEpisodes (the lockout-report branch).
  it('keeps earlier episodes on the flag, newest first: lockouts and re-lockouts per week agree', async () => {
    const flags = await allFlags();
    const episodes = flags.flatMap((flag) => [
      {
        category: flag.category,
        openedAt: flag.openedAt,
        firstFailureAt: flag.firstFailureAt,
        resolvedAt: flag.resolvedAt,
        userId: flag.userId,
      },
      ...(flag.pastEpisodes ?? []).map((past) => ({ ...past, userId: flag.userId })),
    ]);
    expect(flags.reduce((sum, flag) => sum + (flag.pastEpisodes?.length ?? 0), 0)).toBe(
      summary.flags.pastEpisodes,
    );
    for (const flag of flags) {
      expect(flag.reopenCount).toBe(flag.pastEpisodes?.length ?? 0);
      const opened = [flag.openedAt, ...(flag.pastEpisodes ?? []).map((past) => past.openedAt)];
      expect(opened).toEqual([...opened].sort().reverse());
      for (const [i, past] of (flag.pastEpisodes ?? []).entries()) {
        const next = i === 0 ? flag.openedAt : flag.pastEpisodes?.[i - 1]?.openedAt;
        expect(Date.parse(past.resolvedAt)).toBeLessThan(Date.parse(next ?? ''));
      }
    }
    const lockoutsOpened = summary.weeks.map(
      (week) => episodes.filter((e) => e.category === 'lockout' && weekOf(e.openedAt) === week.week).length,
    );
    expect(lockoutsOpened).toEqual(summary.weeks.map((week) => week.lockouts.opened));
    // A re-lockout: a lockout flagged within 7 days of the same user's previous one's resolution.
    const reLockouts = summary.weeks.map(
      (week) =>
        flags.flatMap((flag) => {
          const chain = [
            { category: flag.category, openedAt: flag.openedAt, resolvedAt: flag.resolvedAt },
            ...(flag.pastEpisodes ?? []),
          ];
          return chain.filter((episode, i) => {
            const previous = chain[i + 1];
            return (
              episode.category === 'lockout' &&
              previous?.category === 'lockout' &&
              weekOf(episode.openedAt) === week.week &&
              Date.parse(episode.openedAt) - Date.parse(previous.resolvedAt ?? '') <= 7 * DAY
            );
          });
        }).length,
    );
    expect(reLockouts).toEqual(summary.weeks.map((week) => week.reLockoutsWithin7Days));
  });

  it('refuses to seed the same storage twice', async () => {
    await expect(
      seedHistory({ storageConnectionString: azurite.connectionString, weeks: WEEKS, now: NOW }),
    ).rejects.toBeInstanceOf(HistoryAlreadySeededError);
    expect(await allAudit()).toHaveLength(summary.audit.total);
  });

  it('is deterministic: the same now and seed write the same history into fresh storage', async () => {
    const other = await startAzurite();
    try {
      const again = await seedHistory({
        storageConnectionString: other.connectionString,
        weeks: WEEKS,
        now: NOW,
      });
      expect({ ...again, durationMs: 0 }).toEqual({ ...summary, durationMs: 0 });
    } finally {
      await other.stop();
    }
  });
});
