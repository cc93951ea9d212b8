import type { AuditEntry, AuditLog } from './audit-log';
import { StorageConflictError } from './storage-errors';

/**
 * An attempt still `started` this long after it began cannot be running: host.json's
 * `functionTimeout` (10 minutes) ends every invocation before then.
 */
export const ABANDONED_AFTER_MS = 15 * 60_000;

/** How far back each run looks; the outcome filter is not a key, so the range bounds the scan. */
export const ABANDONED_LOOKBACK_MS = 7 * 86_400_000;

const PAGE_SIZE = 100;

export const ABANDONED_DETAIL =
  "The attempt ended without recording its outcome (the process stopped, or the audit write failed). What it changed is unknown: read the user's methods before acting again.";

export interface AbandonedReport {
  /** `started` entries old enough to be abandoned. */
  found: number;
  /** Of those, marked `unknown` by this run. */
  marked: number;
  /** Of those, completed by someone else between the read and the write (the ETag moved). */
  raced: number;
}

/**
 * Marks attempts that never recorded an outcome as `unknown` (docs/outcomes.md): left `started`,
 * they read as still running forever, and an auditor cannot tell them from a live request.
 * Never `failed`: the Graph calls may have happened.
 */
export async function markAbandonedAttempts(
  audit: AuditLog,
  now: Date = new Date(),
): Promise<AbandonedReport> {
  const report: AbandonedReport = { found: 0, marked: 0, raced: 0 };
  const abandonedBefore = now.getTime() - ABANDONED_AFTER_MS;
  const since = new Date(now.getTime() - ABANDONED_LOOKBACK_MS);
  // Read every page first: completing rows while paging would move the cursor's ground.
  const abandoned: AuditEntry[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await audit.list({ outcome: 'started', since, limit: PAGE_SIZE, continuationToken });
    abandoned.push(...page.entries.filter((entry) => Date.parse(entry.time) < abandonedBefore));
    continuationToken = page.continuationToken;
  } while (continuationToken !== undefined);

  for (const entry of abandoned) {
    report.found += 1;
    try {
      await audit.complete(entry, { outcome: 'unknown', code: 'abandoned', detail: ABANDONED_DETAIL });
      report.marked += 1;
    } catch (error) {
      if (!(error instanceof StorageConflictError)) throw error;
      report.raced += 1;
    }
  }
  return report;
}
