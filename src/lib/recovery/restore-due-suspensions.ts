import { randomUUID } from 'node:crypto';

import type { Client } from '@microsoft/microsoft-graph-client';

import { AppError } from '../http/problem';
import type { AuditEntry, AuditLog, AuditResult } from '../storage/audit-log';
import type { EventPublisher } from '../storage/recovery-events';
import type { Suspension, SuspensionStore } from '../storage/suspensions';
import { restoreSuspension } from './restore-mfa';

/** A suspension this late means the timer did not run: security operations must know. */
const OVERDUE_ALERT_MS = 10 * 60_000;

export interface RestoreRunReport {
  due: number;
  restored: number;
  failed: number;
  overdue: number;
}

export interface RestoreDeps {
  graph: Client;
  suspensions: SuspensionStore;
  audit: AuditLog;
  events: EventPublisher;
  log: { warn(message: string): void };
  now?: () => Date;
}

/** What went wrong, with the cause an AppError wraps (e.g. the storage error behind audit_unavailable). */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const own =
    error instanceof AppError ? `${error.code}: ${error.detail}` : `${error.name}: ${error.message}`;
  return error.cause === undefined ? own : `${own} (cause: ${describeFailure(error.cause)})`;
}

/**
 * The `restoreSuspendedMfa` timer: restores every suspension that has ended, however late (not
 * only those due this minute). Each suspension's work is isolated: a Graph, table or queue failure
 * on one is logged with its cause and leaves that one active for the next run, and the run goes on
 * to the others, since per-user MFA left off is a hole in the tenant.
 */
export async function restoreDueSuspensions(deps: RestoreDeps): Promise<RestoreRunReport> {
  const now = deps.now ?? (() => new Date());
  const due = await deps.suspensions.listDue(now());
  const report: RestoreRunReport = { due: due.length, restored: 0, failed: 0, overdue: 0 };
  for (const suspension of due) {
    const lateMs = now().getTime() - new Date(suspension.endsAt).getTime();
    if (lateMs > OVERDUE_ALERT_MS) report.overdue += 1;
    try {
      await restoreOne(deps, suspension, lateMs);
      report.restored += 1;
    } catch (error) {
      report.failed += 1;
      deps.log.warn(
        `restoreSuspendedMfa: user ${suspension.userId} stays suspended until the next run: ${describeFailure(error)}`,
      );
    }
  }
  return report;
}

/** Alert (if overdue), audit, restore. Only a failure that leaves the suspension active is thrown. */
async function restoreOne(deps: RestoreDeps, suspension: Suspension, lateMs: number): Promise<void> {
  const correlationId = randomUUID();
  const target = { targetId: suspension.userId, targetUpn: suspension.userPrincipalName };
  if (lateMs > OVERDUE_ALERT_MS) {
    // The alert must not cost the restore: a queue failure is logged and the restore goes ahead.
    await deps.events
      .publish({
        type: 'security.suspension_overdue',
        severity: 'high',
        action: 'mfa.restore',
        ...target,
        ticket: suspension.ticket,
        correlationId,
        details: { endsAt: suspension.endsAt, minutesLate: Math.round(lateMs / 60_000) },
      })
      .catch((error: unknown) =>
        deps.log.warn(
          `restoreSuspendedMfa: overdue alert for ${suspension.userId} not published: ${describeFailure(error)}`,
        ),
      );
  }
  // No change without its audit row: if the row cannot be written, this one waits for the next run.
  const entry = await deps.audit.start({
    action: 'mfa.restore',
    caller: 'timer:restoreSuspendedMfa',
    ...target,
    ticket: suspension.ticket,
    correlationId,
  });
  try {
    await restoreSuspension(deps, suspension, correlationId);
  } catch (error) {
    const code = error instanceof AppError ? error.code : 'internal_error';
    await completeAudit(deps, entry, { outcome: 'failed', code });
    throw error;
  }
  await completeAudit(deps, entry, {
    outcome: 'succeeded',
    summary: { restoredState: suspension.previousState },
  });
}

/** The restore has happened (or failed) either way: a row that cannot be completed is logged. */
async function completeAudit(deps: RestoreDeps, entry: AuditEntry, result: AuditResult): Promise<void> {
  try {
    await deps.audit.complete(entry, result);
  } catch (error) {
    deps.log.warn(
      `restoreSuspendedMfa: audit entry ${entry.id} (${result.outcome}) not completed: ${describeFailure(error)}`,
    );
  }
}
