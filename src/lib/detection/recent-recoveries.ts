import type { AuditLog } from '../storage/audit-log';
import type { Recovery } from './post-recovery-anomaly';

const RECOVERY_ACTIONS = ['mfa.reset', 'tap.issue', 'mfa.recover'] as const;
/** A partial reset still removed methods: the user (or whoever holds the account) registers anew. */
const RECOVERED = new Set(['succeeded', 'partial']);
const PAGE = 100;

/**
 * The resets and TAPs that succeeded since `since`, from the audit trail: it already holds one row
 * per action with its target and outcome, so the watch needs no record of its own (and cannot miss a
 * recovery the audit has). Newest first per action.
 */
export async function recentRecoveries(audit: Pick<AuditLog, 'list'>, since: Date): Promise<Recovery[]> {
  const recoveries: Recovery[] = [];
  for (const action of RECOVERY_ACTIONS) {
    let continuationToken: string | undefined;
    do {
      const page = await audit.list({
        action,
        since,
        limit: PAGE,
        ...(continuationToken ? { continuationToken } : {}),
      });
      for (const entry of page.entries) {
        if (!RECOVERED.has(entry.outcome) || entry.targetId === undefined) continue;
        recoveries.push({
          auditId: entry.id,
          action,
          userId: entry.targetId.toLowerCase(),
          ...(entry.targetUpn ? { userPrincipalName: entry.targetUpn } : {}),
          time: entry.time,
        });
      }
      continuationToken = page.continuationToken;
    } while (continuationToken !== undefined);
  }
  return recoveries;
}

/** The latest recovery of the user whose window `[time, time + watchMs]` holds `at`, if any. */
export function recoveryCovering(
  recoveries: readonly Recovery[],
  userId: string,
  at: string,
  watchMs: number,
): Recovery | undefined {
  const atMs = Date.parse(at);
  let found: Recovery | undefined;
  for (const recovery of recoveries) {
    if (recovery.userId !== userId) continue;
    const start = Date.parse(recovery.time);
    if (atMs < start || atMs > start + watchMs) continue;
    if (found === undefined || start > Date.parse(found.time)) found = recovery;
  }
  return found;
}
