import type { LockoutReport } from '../api/report-schemas';
import type { LockoutStore } from '../detection/repositories';
import { AppError } from '../http/problem';
import type { AuditLog } from '../storage/audit-log';
import {
  type AuditFact,
  auditFactOf,
  type Episode,
  episodesOf,
  type LockoutHistory,
  lockoutHistory,
  type ResolvingAction,
} from './lockout-history';
import { durationSummary } from './lockout-statistics';

export interface LockoutReportPeriod {
  from: Date;
  to: Date;
}

/** The most either store hands back per page. */
const PAGE_SIZE = 100;

/**
 * The outcomes of one period `[from, to)`, from the users' episodes and the audit trail
 * (docs/reports.md). Pure. Lockouts are the `lockout` episodes opened in the period; whether they
 * are resolved is as of now, not as of `to`.
 */
export function computeLockoutReport(history: LockoutHistory, period: LockoutReportPeriod): LockoutReport {
  const from = period.from.getTime();
  const to = period.to.getTime();
  const inPeriod = (at: number) => at >= from && at < to;
  const opened = history.episodes.filter((episode) => inPeriod(episode.openedAt));
  const lockouts = opened.filter((episode) => episode.category === 'lockout');
  const resolved = lockouts.filter((episode) => episode.resolvedAt !== undefined);
  const resolutionsByAction: Partial<Record<ResolvingAction, number>> = {};
  for (const { resolution } of resolved) {
    if (resolution) resolutionsByAction[resolution.action] = (resolutionsByAction[resolution.action] ?? 0) + 1;
  }
  return {
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    lockouts: { opened: lockouts.length, resolved: resolved.length, open: lockouts.length - resolved.length },
    detectionDelay: durationSummary(lockouts.map((episode) => episode.openedAt - episode.firstFailureAt)),
    timeToRecover: durationSummary(
      resolved.map((episode) => (episode.resolution?.at ?? Number.NaN) - episode.openedAt),
    ),
    resolutionsByAction,
    reLockoutsWithin7Days: lockouts.filter((episode) => episode.reLockout).length,
    suspectedAttacks: opened.filter((episode) => episode.category === 'suspected_attack').length,
    protectedRefusals: history.protectedRefusals.filter(inPeriod).length,
    postRecoveryAnomalies: opened.filter((episode) => episode.category === 'post_recovery_anomaly').length,
  };
}

/**
 * The report of each period, from one read of every flag and one read of the audit trail from
 * the earliest `from` to `now` (every page; each call under the stores' storage deadline). Only
 * episodes and the audit facts the report uses are kept, never whole rows. A store that cannot
 * be read is `reports_unavailable`.
 */
export async function readLockoutReports(
  sources: { lockouts: LockoutStore; audit: AuditLog },
  periods: readonly { from: Date; to: Date }[],
  now = new Date(),
): Promise<LockoutReport[]> {
  if (periods.length === 0) return [];
  const since = new Date(Math.min(...periods.map((period) => period.from.getTime())));
  const [episodes, facts] = await Promise.all([
    orReportsUnavailable('the lockout flags', () => readEpisodes(sources.lockouts)),
    orReportsUnavailable('the audit trail', () => readAuditFacts(sources.audit, since, now)),
  ]);
  const history = lockoutHistory(episodes, facts);
  return periods.map((period) => computeLockoutReport(history, period));
}

async function readEpisodes(lockouts: LockoutStore): Promise<Episode[]> {
  const episodes: Episode[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await lockouts.list({ limit: PAGE_SIZE, ...(continuationToken ? { continuationToken } : {}) });
    for (const flag of page.lockouts) episodes.push(...episodesOf(flag));
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return episodes;
}

async function readAuditFacts(audit: AuditLog, since: Date, now: Date): Promise<AuditFact[]> {
  const facts: AuditFact[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await audit.list({ since, limit: PAGE_SIZE, ...(continuationToken ? { continuationToken } : {}) });
    for (const entry of page.entries) {
      const fact = auditFactOf(entry);
      if (fact && fact.at <= now.getTime()) facts.push(fact);
    }
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return facts;
}

async function orReportsUnavailable<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new AppError('reports_unavailable', `Table Storage could not read ${what}.`, { cause: error });
  }
}
