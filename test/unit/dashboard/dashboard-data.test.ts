import { describe, expect, it } from 'vitest';

import type { LockoutReport } from '../../../src/lib/api/report-schemas';
import {
  AT_RISK_LISTED,
  countOpenFlags,
  loadDashboardData,
  reportPeriods,
} from '../../../src/lib/dashboard/dashboard-data';
import type { FlagCategory, LockoutStatus, StoredLockoutFlag } from '../../../src/lib/detection/lockout-flag';
import type { LockoutQuery, LockoutStore } from '../../../src/lib/detection/repositories';
import { AppError } from '../../../src/lib/http/problem';
import { dashboardDeps, NOW } from './dashboard-fixture';

const WEEK_MS = 7 * 86_400_000;

/** Flags as the store lists them: filtered by status, paged by `limit` with an index cursor. */
function listingStore(flags: { category: FlagCategory; status: LockoutStatus }[]) {
  const queries: LockoutQuery[] = [];
  const store = {
    list: (query: LockoutQuery) => {
      queries.push(query);
      const matching = flags.filter((flag) => flag.status === query.status);
      const start = Number(query.continuationToken ?? 0);
      const end = start + (query.limit ?? 50);
      return Promise.resolve({
        lockouts: matching.slice(start, end) as StoredLockoutFlag[],
        ...(end < matching.length ? { continuationToken: String(end) } : {}),
      });
    },
  } as unknown as LockoutStore;
  return { store, queries };
}

const many = (count: number, category: FlagCategory, status: LockoutStatus) =>
  Array.from({ length: count }, () => ({ category, status }));

describe('reportPeriods', () => {
  it('is 12 consecutive weeks, oldest first, the last ending now, then the 12 weeks as one', () => {
    const periods = reportPeriods(NOW);
    expect(periods).toHaveLength(13);
    const weeks = periods.slice(0, 12);
    for (const [index, week] of weeks.entries()) {
      expect(week.to.getTime() - week.from.getTime()).toBe(WEEK_MS);
      if (index > 0) expect(week.from).toEqual(weeks[index - 1]?.to);
    }
    expect(weeks[11]?.to).toEqual(NOW);
    expect(periods[12]).toEqual({ from: weeks[0]?.from, to: NOW });
  });
});

describe('countOpenFlags', () => {
  it('counts open and acknowledged flags per category, resolved ones not at all, across pages', async () => {
    const { store, queries } = listingStore([
      ...many(150, 'lockout', 'open'),
      ...many(3, 'lockout', 'acknowledged'),
      ...many(2, 'suspected_attack', 'open'),
      ...many(1, 'post_recovery_anomaly', 'acknowledged'),
      ...many(40, 'lockout', 'resolved'),
    ]);
    await expect(countOpenFlags(store)).resolves.toEqual({
      counts: {
        lockout: { open: 150, acknowledged: 3 },
        suspected_attack: { open: 2, acknowledged: 0 },
        post_recovery_anomaly: { open: 0, acknowledged: 1 },
      },
      truncated: false,
    });
    expect(queries.map((query) => [query.status, query.continuationToken])).toEqual([
      ['open', undefined],
      ['open', '100'],
      ['acknowledged', undefined],
    ]);
  });

  it('reads at most 10 pages per status and says the counts are lower bounds', async () => {
    const { store, queries } = listingStore(many(1001, 'lockout', 'open'));
    const counted = await countOpenFlags(store);
    expect(counted).toEqual({
      counts: expect.objectContaining({ lockout: { open: 1000, acknowledged: 0 } }) as unknown,
      truncated: true,
    });
    expect(queries.filter((query) => query.status === 'open')).toHaveLength(10);
  });
});

describe('loadDashboardData', () => {
  it('asks the lockout report for the 12 weeks and their span, and each helpdesk class for its first users', async () => {
    const { value, calls } = dashboardDeps();
    const data = await loadDashboardData(value, NOW);
    expect(calls.periods).toEqual(reportPeriods(NOW));
    expect(data.weeks.map((week) => week.from)).toEqual(
      reportPeriods(NOW)
        .slice(0, 12)
        .map((p) => p.from.toISOString()),
    );
    expect(data.quarter.lockouts.opened).toBe(10 + 12);
    expect(calls.classes).toEqual([
      { class: 'sms_voice_only', limit: AT_RISK_LISTED },
      { class: 'single_method', limit: AT_RISK_LISTED },
    ]);
    expect(data.atRisk.map((list) => [list.class, list.more])).toEqual([
      ['sms_voice_only', false],
      ['single_method', true],
    ]);
    expect(data.generatedAt).toBe(NOW.toISOString());
  });

  it('answers reports_unavailable when a store cannot be read', async () => {
    const failing = { list: () => Promise.reject(new Error('storage down')) } as unknown as LockoutStore;
    await expect(loadDashboardData(dashboardDeps({}, failing).value, NOW)).rejects.toMatchObject({
      code: 'reports_unavailable',
    });
    const registration = dashboardDeps({
      readRegistrationReport: () => Promise.reject(new Error('table gone')),
    });
    await expect(loadDashboardData(registration.value, NOW)).rejects.toMatchObject({
      code: 'reports_unavailable',
    });
  });

  it("passes a report's own problem on as it is", async () => {
    const refused = new AppError('invalid_request', 'bad period');
    const { value } = dashboardDeps({ readLockoutReports: () => Promise.reject(refused) });
    await expect(loadDashboardData(value, NOW)).rejects.toBe(refused);
  });

  it('refuses a lockout report with fewer periods than asked', async () => {
    const short = (): Promise<LockoutReport[]> => Promise.resolve([]);
    await expect(
      loadDashboardData(dashboardDeps({ readLockoutReports: short }).value, NOW),
    ).rejects.toMatchObject({
      code: 'internal_error',
    });
  });
});
