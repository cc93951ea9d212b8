import type { LockoutReport, RegistrationReport } from '../../../src/lib/api/report-schemas';
import type { DashboardData, DashboardDeps } from '../../../src/lib/dashboard/dashboard-data';
import type { LockoutStore } from '../../../src/lib/detection/repositories';
import type { RegistrationSnapshotStore } from '../../../src/lib/registration/snapshot';
import type { AuditLog } from '../../../src/lib/storage/audit-log';

/** Fixed figures, each distinct, so a test can tell which one the page shows where. */
export const NOW = new Date('2026-12-06T04:00:00.000Z');
const WEEK_MS = 7 * 86_400_000;

export function lockoutReport(from: Date, to: Date, seed: number): LockoutReport {
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    lockouts: { opened: 10 + seed, resolved: 7 + seed, open: 3 },
    detectionDelay: { count: 10 + seed, median: 240 + seed, p90: 900 + seed },
    timeToRecover: { count: 7 + seed, median: 3600 + seed, p90: 5 * 3600 + seed },
    resolutionsByAction: { 'mfa.recover': 4 + seed, 'tap.issue': 2, 'lockout.resolve': 1 },
    reLockoutsWithin7Days: 100 + seed,
    suspectedAttacks: 200 + seed,
    protectedRefusals: 300 + seed,
    postRecoveryAnomalies: 400 + seed,
  };
}

const snapshot = (finishedAt: string, ready: number) => ({
  runId: `run-${finishedAt}`,
  startedAt: finishedAt,
  finishedAt,
  users: 1000 + ready,
  counts: {
    member: { ready, single_method: 41, sms_voice_only: 42, weak_only: 43, no_mfa: 44 },
    guest: { no_mfa: 51, ready: 52 },
    protected: { ready: 61, single_method: 62 },
  },
});

export const registrationReport = (overrides: Partial<RegistrationReport> = {}): RegistrationReport => {
  const trend = [snapshot('2026-11-20T02:31:00.000Z', 500), snapshot('2026-12-05T02:31:00.000Z', 530)];
  return {
    telephonyProvider: 'microsoft',
    telephonyRetirement: '2027-02-01T00:00:00.000Z',
    latest: trend[1] ?? null,
    trend,
    ...overrides,
  };
};

export function dashboardData(overrides: Partial<DashboardData> = {}): DashboardData {
  const weeks = Array.from({ length: 12 }, (_, index) =>
    lockoutReport(
      new Date(NOW.getTime() - (12 - index) * WEEK_MS),
      new Date(NOW.getTime() - (11 - index) * WEEK_MS),
      index,
    ),
  );
  weeks[3] = { ...weeks[3]!, timeToRecover: { count: 0, median: null, p90: null } };
  return {
    generatedAt: NOW.toISOString(),
    openFlags: {
      counts: {
        lockout: { open: 5, acknowledged: 2 },
        suspected_attack: { open: 3, acknowledged: 1 },
        post_recovery_anomaly: { open: 0, acknowledged: 4 },
      },
      truncated: false,
    },
    weeks,
    quarter: lockoutReport(new Date(NOW.getTime() - 12 * WEEK_MS), NOW, 1000),
    registration: registrationReport(),
    atRisk: [
      {
        class: 'sms_voice_only',
        users: [
          {
            userId: '11111111-1111-4111-8111-111111111111',
            userPrincipalName: 'johanna@contoso.example',
            displayName: 'Johanna <script>alert(1)</script> & "Co"',
            audience: 'member',
            class: 'sms_voice_only',
            methodsRegistered: ['mobilePhone'],
            telephonyEnds: '2027-02-01',
          },
        ],
        more: true,
      },
      {
        class: 'single_method',
        users: [
          {
            userId: '22222222-2222-4222-8222-222222222222',
            userPrincipalName: 'grady<img src=x>@contoso.example',
            audience: 'protected',
            class: 'single_method',
            methodsRegistered: ['microsoftAuthenticatorPush'],
          },
        ],
        more: false,
      },
    ],
    ...overrides,
  };
}

/**
 * What the dashboard reads, with no flags (unless `lockouts` has some) and reports that answer the
 * figures above; `calls` keeps the periods and the user classes the reports were asked for.
 */
export function dashboardDeps(
  overrides: Partial<DashboardDeps['reports']> = {},
  lockouts = { list: () => Promise.resolve({ lockouts: [] }) } as unknown as LockoutStore,
) {
  const calls: { periods?: readonly { from: Date; to: Date }[]; classes: unknown[] } = { classes: [] };
  const value: DashboardDeps = {
    lockouts,
    audit: {} as AuditLog,
    snapshots: {} as RegistrationSnapshotStore,
    registrationSettings: {
      telephonyProvider: 'microsoft',
      telephonyRetirement: new Date('2027-02-01T00:00:00Z'),
    },
    reports: {
      readLockoutReports: (_sources, periods) => {
        calls.periods = periods;
        return Promise.resolve(periods.map((period, index) => lockoutReport(period.from, period.to, index)));
      },
      readRegistrationReport: (_store, settings) =>
        Promise.resolve(registrationReport({ telephonyProvider: settings.telephonyProvider })),
      listRegistrationUsers: (_store, query) => {
        calls.classes.push(query);
        return Promise.resolve({
          users: [],
          ...(query.class === 'single_method' ? { continuationToken: 't' } : {}),
        });
      },
      ...overrides,
    },
  };
  return { value, calls };
}
