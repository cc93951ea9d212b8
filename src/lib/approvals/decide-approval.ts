import { type Caller, callerDetails, hasRole } from '../auth/caller';
import { AppError, type ProblemCode } from '../http/problem';
import type { AuditAttempt, AuditLog } from '../storage/audit-log';
import type { EventPublisher } from '../storage/recovery-events';
import { type ApprovalStore, approvalView, isExpired, type StoredApproval } from './approval';
import { party } from './privileged-target';
import { orUnavailable } from './storage-failure';

export interface ApprovalRouteDeps {
  approvals: ApprovalStore;
  audit: AuditLog;
  events: EventPublisher;
  log: { warn(message: string): void };
}

async function find(deps: Pick<ApprovalRouteDeps, 'approvals'>, id: string): Promise<StoredApproval> {
  const approval = await orUnavailable('read the approval', () => deps.approvals.get(id));
  if (!approval) throw new AppError('approval_not_found', 'No approval has this id.');
  return approval;
}

/** Readers (Recovery.Read), approvers (Recovery.Approve) and the requester may see an approval. */
export async function readApproval(
  deps: Pick<ApprovalRouteDeps, 'approvals'>,
  id: string,
  caller: Caller,
  now: Date = new Date(),
) {
  const approval = await find(deps, id);
  const mayRead =
    hasRole(caller, 'Recovery.Read') ||
    hasRole(caller, 'Recovery.Approve') ||
    approval.requester.id === caller.id;
  if (!mayRead) throw new AppError('forbidden', 'This call needs the Recovery.Read app role.');
  return approvalView(approval, now);
}

const isSameParty = (approval: StoredApproval, caller: Caller) =>
  approval.requester.id === caller.id ||
  (caller.objectId !== undefined && approval.requester.objectId === caller.objectId);

/**
 * Approves or denies a pending request, as a different caller than the one who asked (the caller
 * holds Recovery.Approve; the route checked it). Audited with both identities, ETag-guarded so two
 * approvers deciding at once cannot both win, and announced on the events queue.
 */
export async function decideApproval(
  deps: ApprovalRouteDeps,
  decision: { id: string; approve: boolean; caller: Caller; correlationId: string },
  now: Date = new Date(),
) {
  const { caller } = decision;
  const approval = await find(deps, decision.id);
  const attempt: AuditAttempt = {
    action: decision.approve ? 'approval.approve' : 'approval.deny',
    caller: caller.id,
    targetId: approval.targetId,
    targetUpn: approval.targetUpn,
    ticket: approval.ticket,
    correlationId: decision.correlationId,
  };
  const refuse = async (code: ProblemCode, detail: string): Promise<never> => {
    await deps.audit.refused(
      attempt,
      code,
      `${detail} (approval ${approval.id}, requested by ${approval.requester.id})`,
    );
    throw new AppError(code, detail);
  };
  if (caller.kind === 'functionKey') {
    await refuse('forbidden', 'A function key cannot approve: every key-holder is the same caller.');
  }
  if (isSameParty(approval, caller))
    await refuse('self_approval', 'A different caller must decide this request.');
  if (approval.status !== 'pending')
    await refuse('approval_decided', `The approval is already ${approval.status}.`);
  if (isExpired(approval, now)) await refuse('approval_expired', 'The approval expired undecided.');

  const entry = await deps.audit.start(attempt);
  const { etag, ...fields } = approval;
  const decided = await orUnavailable('record the decision', () =>
    deps.approvals.update(
      {
        ...fields,
        status: decision.approve ? 'approved' : 'denied',
        decidedBy: party(caller),
        decidedAt: now.toISOString(),
      },
      etag,
    ),
  );
  const summary = {
    approvalId: approval.id,
    requestedAction: approval.action,
    requester: approval.requester.id,
  };
  if (!decided) {
    await deps.audit
      .complete(entry, { outcome: 'failed', code: 'approval_decided', summary })
      .catch((error: unknown) =>
        deps.log.warn(`could not complete the decision's audit row: ${errorName(error)}`),
      );
    throw new AppError('approval_decided', 'Another caller decided this approval meanwhile.');
  }
  await deps.audit
    .complete(entry, { outcome: 'succeeded', summary })
    .catch((error: unknown) =>
      deps.log.warn(`could not complete the decision's audit row: ${errorName(error)}`),
    );
  await deps.events
    .publish({
      type: decision.approve ? 'recovery.approval.approved' : 'recovery.approval.denied',
      severity: 'high',
      action: approval.action,
      outcome: decided.status,
      targetId: approval.targetId,
      targetUpn: approval.targetUpn,
      ticket: approval.ticket,
      correlationId: decision.correlationId,
      details: { approvalId: approval.id, requester: approval.requester, approver: callerDetails(caller) },
    })
    .catch((error: unknown) => deps.log.warn(`could not publish the decision: ${errorName(error)}`));
  return approvalView(decided, now);
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : 'unknown');
