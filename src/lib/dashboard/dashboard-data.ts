import type { LockoutReport, RegistrationReport, RegistrationUsersPage } from '../api/report-schemas';
import type { FlagCategory, LockoutStatus } from '../detection/lockout-flag';
import type { LockoutStore } from '../detection/repositories';
import { AppError } from '../http/problem';
import type { TelephonyProvider } from '../registration/classify';
import type { RegistrationSnapshotStore } from '../registration/snapshot';
import type { readLockoutReports } from '../reports/lockout-report';
import type { listRegistrationUsers, readRegistrationReport } from '../reports/registration-report';
import type { AuditLog } from '../storage/audit-log';

/** The report functions the API answers with, so the dashboard's figures are the API's. */
export interface DashboardReports {
  readLockoutReports: typeof readLockoutReports;
  readRegistrationReport: typeof readRegistrationReport;
  listRegistrationUsers: typeof listRegistrationUsers;
}

export interface DashboardDeps {
  lockouts: LockoutStore;
  audit: AuditLog;
  snapshots: RegistrationSnapshotStore;
  registrationSettings: { telephonyProvider: TelephonyProvider; telephonyRetirement: Date };
  reports: DashboardReports;
}

/**
 * The at-risk classes whose users call the helpdesk next, soonest first: SMS/voice-only users are
 * all locked out on one known day, single-method users by one lost phone.
 */
export const HELPDESK_RISK_CLASSES = ['sms_voice_only', 'single_method'] as const;
export type HelpdeskRiskClass = (typeof HELPDESK_RISK_CLASSES)[number];

/** Users listed per class on the page; the report API pages through the rest. */
export const AT_RISK_LISTED = 20;
export const WEEKS_SHOWN = 12;
const WEEK_MS = 7 * 86_400_000;
/** Flags counted per status at most (pages of 100), so one page view reads a bounded number of rows. */
const FLAG_PAGES_READ = 10;
const OPEN_STATUSES = ['open', 'acknowledged'] as const satisfies readonly LockoutStatus[];

export type FlagCounts = Record<FlagCategory, Record<(typeof OPEN_STATUSES)[number], number>>;

export interface OpenFlags {
  counts: FlagCounts;
  /** More flags than were read: each count is a lower bound. */
  truncated: boolean;
}

export interface AtRiskList {
  class: HelpdeskRiskClass;
  users: RegistrationUsersPage['users'];
  /** The report API has more users of this class than are listed. */
  more: boolean;
}

export interface DashboardData {
  generatedAt: string;
  openFlags: OpenFlags;
  /** The last 12 weeks, oldest first, each ending 7 days after it starts; the last ends now. */
  weeks: LockoutReport[];
  /** The same 12 weeks as one period. */
  quarter: LockoutReport;
  registration: RegistrationReport;
  atRisk: AtRiskList[];
}

/** Twelve consecutive weeks ending now, oldest first, then the whole span as one period. */
export function reportPeriods(now: Date): { from: Date; to: Date }[] {
  const end = now.getTime();
  const weeks = Array.from({ length: WEEKS_SHOWN }, (_, index) => ({
    from: new Date(end - (WEEKS_SHOWN - index) * WEEK_MS),
    to: new Date(end - (WEEKS_SHOWN - index - 1) * WEEK_MS),
  }));
  return [...weeks, { from: new Date(end - WEEKS_SHOWN * WEEK_MS), to: now }];
}

/** Flags still open or acknowledged now, per category, from the lockout store. */
export async function countOpenFlags(lockouts: LockoutStore): Promise<OpenFlags> {
  const counts: FlagCounts = {
    lockout: { open: 0, acknowledged: 0 },
    suspected_attack: { open: 0, acknowledged: 0 },
    post_recovery_anomaly: { open: 0, acknowledged: 0 },
  };
  let truncated = false;
  for (const status of OPEN_STATUSES) {
    let continuationToken: string | undefined;
    for (let page = 0; page < FLAG_PAGES_READ; page++) {
      const result = await lockouts.list({ status, limit: 100, continuationToken });
      for (const flag of result.lockouts) counts[flag.category][status] += 1;
      continuationToken = result.continuationToken;
      if (continuationToken === undefined) break;
    }
    if (continuationToken !== undefined) truncated = true;
  }
  return { counts, truncated };
}

/** A failure to read the stores is the report routes' `reports_unavailable`, never a bare 500. */
async function reading<T>(what: string, read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('reports_unavailable', `The dashboard could not read ${what}.`, { cause: error });
  }
}

/** Everything the page shows, read once per view. */
export async function loadDashboardData(deps: DashboardDeps, now: Date): Promise<DashboardData> {
  const { reports } = deps;
  const [openFlags, lockoutReports, registration, atRisk] = await Promise.all([
    reading('the lockout flags', countOpenFlags(deps.lockouts)),
    reading(
      'the lockout reports',
      reports.readLockoutReports({ lockouts: deps.lockouts, audit: deps.audit }, reportPeriods(now), now),
    ),
    reading(
      'the registration report',
      reports.readRegistrationReport(deps.snapshots, deps.registrationSettings),
    ),
    Promise.all(
      HELPDESK_RISK_CLASSES.map(async (riskClass): Promise<AtRiskList> => {
        const page = await reading(
          'the at-risk users',
          reports.listRegistrationUsers(deps.snapshots, { class: riskClass, limit: AT_RISK_LISTED }),
        );
        return { class: riskClass, users: page.users, more: page.continuationToken !== undefined };
      }),
    ),
  ]);
  const weeks = lockoutReports.slice(0, WEEKS_SHOWN);
  const quarter = lockoutReports[WEEKS_SHOWN];
  if (weeks.length < WEEKS_SHOWN || quarter === undefined)
    throw new AppError('internal_error', 'The lockout report answered fewer periods than asked.');
  return { generatedAt: now.toISOString(), openFlags, weeks, quarter, registration, atRisk };
}
