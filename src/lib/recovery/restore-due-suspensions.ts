import { randomUUID } from 'node:crypto';

import type { Client } from '@microsoft/microsoft-graph-client';

import { AppError } from '../http/problem';
import type { AuditLog } from '../storage/audit-log';
import type { EventPublisher } from '../storage/recovery-events';
import type { SuspensionStore } from '../storage/suspensions';
import { restoreSuspension } from './restore-mfa';

/** A suspension this late means the timer did not run: security operations must know (T14). */
const OVERDUE_ALERT_MS = 10 * 60_000;

export interface RestoreRunReport {
  due: number;
  restored: number;
  failed: number;
  overdue: number;
}

/**
 * The `restoreSuspendedMfa` timer: restores every suspension that has ended, however late (not
 * only those due this minute); one that fails stays active and is retried on the next run.
 */
export async function restoreDueSuspensions(deps: {
  graph: Client;
  suspensions: SuspensionStore;
  audit: AuditLog;
  events: EventPublisher;
  now?: () => Date;
}): Promise<RestoreRunReport> {
  const now = deps.now ?? (() => new Date());
  const due = await deps.suspensions.listDue(now());
  const report: RestoreRunReport = { due: due.length, restored: 0, failed: 0, overdue: 0 };
  for (const suspension of due) {
    const correlationId = randomUUID();
    const lateMs = now().getTime() - new Date(suspension.endsAt).getTime();
    if (lateMs > OVERDUE_ALERT_MS) {
      report.overdue += 1;
      await deps.events.publish({
        type: 'security.suspension_overdue',
        severity: 'high',
        action: 'mfa.restore',
        targetId: suspension.userId,
        targetUpn: suspension.userPrincipalName,
        ticket: suspension.ticket,
        correlationId,
        details: { endsAt: suspension.endsAt, minutesLate: Math.round(lateMs / 60_000) },
      });
    }
    const entry = await deps.audit.start({
      action: 'mfa.restore',
      caller: 'timer:restoreSuspendedMfa',
      targetId: suspension.userId,
      targetUpn: suspension.userPrincipalName,
      ticket: suspension.ticket,
      correlationId,
    });
    try {
      await restoreSuspension(deps, suspension, correlationId);
      report.restored += 1;
      await deps.audit.complete(entry, {
        outcome: 'succeeded',
        summary: { restoredState: suspension.previousState },
      });
    } catch (error) {
      report.failed += 1;
      const code = error instanceof AppError ? error.code : 'internal_error';
      await deps.audit.complete(entry, { outcome: 'failed', code });
    }
  }
  return report;
}
