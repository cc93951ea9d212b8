import { createHash, randomUUID } from 'node:crypto';

import { type Caller, hasRole } from '../auth/caller';
import type { Config } from '../config';
import { AppError } from '../http/problem';
import type { GuardVerdict } from '../recovery/action-guard';
import type { ActionRequest, ActionResponse } from '../recovery/run-action';
import type { AuditAttempt, AuditLog } from '../storage/audit-log';
import type { EventPublisher } from '../storage/recovery-events';
import {
  type Approval,
  type ApprovalParty,
  type ApprovalStore,
  isExpired,
  type StoredApproval,
} from './approval';
import { orUnavailable } from './storage-failure';

export interface ApprovalGateDeps {
  approvals: ApprovalStore;
  audit: AuditLog;
  events: EventPublisher;
  config: Pick<Config, 'approvals'>;
  log: { warn(message: string): void };
}

export type ApprovalGate =
  /** Go on with this verdict; `approval` when a second person's approval let a protected target through. */
  | { kind: 'proceed'; verdict: GuardVerdict; approval?: { id: string; approvedBy: string } }
  /** 202: the approval was asked for; the caller repeats the request once it is approved. */
  | { kind: 'pending'; response: ActionResponse };

export const party = (caller: Caller): ApprovalParty => ({
  id: caller.id,
  ...(caller.name ? { name: caller.name } : {}),
  ...(caller.appId ? { appId: caller.appId } : {}),
  ...(caller.objectId ? { objectId: caller.objectId } : {}),
});

const keyHash = (key: string) => createHash('sha256').update(key).digest('hex');

/**
 * Two people for privileged targets (docs/approvals.md). A caller with Recovery.Privileged that is
 * not the shared function key gets 202 and an approval id for a protected (never a break-glass)
 * account; repeated with `Approval-Id` once a different caller approved it, the request runs, once.
 * Everything else keeps the guard's verdict: a function key is refused protected accounts outright.
 */
export async function gatePrivilegedTarget(
  deps: ApprovalGateDeps,
  request: ActionRequest,
  verdict: GuardVerdict,
  attempt: AuditAttempt,
  now: Date = new Date(),
): Promise<ApprovalGate> {
  const { caller } = request;
  if (
    verdict.allowed ||
    verdict.code !== 'protected_account' ||
    caller.kind === 'functionKey' ||
    !hasRole(caller, 'Recovery.Privileged')
  ) {
    return { kind: 'proceed', verdict };
  }
  if (request.approvalId === undefined) return await requestApproval(deps, request, verdict, now);
  const approval = await useApproval(deps, request, verdict, attempt, now);
  return {
    kind: 'proceed',
    verdict: { allowed: true, target: verdict.target, graphRequestIds: verdict.graphRequestIds },
    approval: { id: approval.id, approvedBy: approval.decidedBy?.id ?? '' },
  };
}

async function requestApproval(
  deps: ApprovalGateDeps,
  request: ActionRequest,
  verdict: GuardVerdict,
  now: Date,
): Promise<ApprovalGate> {
  const approval: Approval = {
    id: randomUUID(),
    status: 'pending',
    action: request.action,
    requester: party(request.caller),
    scope: request.idempotency.scope,
    targetId: verdict.target.id,
    targetUpn: verdict.target.userPrincipalName,
    fingerprint: request.idempotency.fingerprint,
    ticket: request.input.ticket,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.config.approvals.ttlMs).toISOString(),
  };
  // Recorded before it exists: an approval nobody can trace back to its request is never created.
  const entry = await deps.audit.start({
    action: 'approval.request',
    caller: request.caller.id,
    targetId: approval.targetId,
    targetUpn: approval.targetUpn,
    ticket: approval.ticket,
    ...(request.input.reason ? { reason: request.input.reason } : {}),
    verification: request.input.verification,
    correlationId: request.correlationId,
  });
  await orUnavailable('record the approval request', () => deps.approvals.create(approval));
  const summary = {
    approvalId: approval.id,
    requestedAction: approval.action,
    expiresAt: approval.expiresAt,
  };
  await deps.audit
    .complete(entry, { outcome: 'succeeded', summary })
    .catch((error: unknown) =>
      deps.log.warn(`could not complete the approval request's audit row: ${name(error)}`),
    );
  await deps.events
    .publish({
      type: 'recovery.approval.requested',
      severity: 'high',
      action: request.action,
      outcome: 'pending',
      targetId: approval.targetId,
      targetUpn: approval.targetUpn,
      ticket: approval.ticket,
      correlationId: request.correlationId,
      details: { ...summary, requester: approval.requester },
    })
    .catch((error: unknown) => deps.log.warn(`could not publish the approval request: ${name(error)}`));
  return {
    kind: 'pending',
    response: {
      status: 202,
      body: {
        approvalId: approval.id,
        status: approval.status,
        action: approval.action,
        targetId: approval.targetId,
        targetUpn: approval.targetUpn,
        expiresAt: approval.expiresAt,
        detail:
          'The account is protected: a different caller with Recovery.Approve must approve this request; then repeat it with the Approval-Id header.',
      },
      headers: { location: `/api/approvals/${approval.id}` },
    },
  };
}

/**
 * Checks the approval is this request's and approved, and marks it used with an ETag-guarded
 * update: of two concurrent repeats one wins, the other reads it used by another request. Retries
 * of the winning request (same Idempotency-Key) pass, for idempotency to replay or finish them.
 */
async function useApproval(
  deps: ApprovalGateDeps,
  request: ActionRequest,
  verdict: GuardVerdict,
  attempt: AuditAttempt,
  now: Date,
): Promise<StoredApproval> {
  const id = request.approvalId ?? '';
  const usedBy = keyHash(request.idempotency.key);
  const refuse = async (code: ConstructorParameters<typeof AppError>[0], detail: string): Promise<never> => {
    await deps.audit.refused(attempt, code, `${detail} (approval ${id})`);
    throw new AppError(code, detail);
  };
  for (let read = 0; read < 2; read++) {
    const approval = await orUnavailable('read the approval', () => deps.approvals.get(id));
    if (!approval) return await refuse('approval_not_found', 'No approval has this id.');
    const bound =
      approval.requester.id === request.caller.id &&
      approval.action === request.action &&
      approval.scope === request.idempotency.scope &&
      approval.targetId === verdict.target.id &&
      approval.fingerprint === request.idempotency.fingerprint;
    if (!bound) {
      return await refuse(
        'approval_mismatch',
        'This approval was given for another caller, action, user or request body; repeat the original request unchanged.',
      );
    }
    switch (approval.status) {
      case 'denied':
        return await refuse('approval_denied', 'The approver denied this request.');
      case 'consumed':
        if (approval.consumedByKey === usedBy) return approval;
        return await refuse('approval_consumed', 'This approval has already been used by another request.');
      case 'pending':
        if (isExpired(approval, now))
          return await refuse('approval_expired', 'The approval expired undecided.');
        return await refuse('approval_pending', 'The approval has not been decided yet.');
      case 'approved': {
        if (isExpired(approval, now)) return await refuse('approval_expired', 'The approval expired unused.');
        const { etag, ...fields } = approval;
        const used = await orUnavailable('mark the approval used', () =>
          deps.approvals.update(
            { ...fields, status: 'consumed', consumedAt: now.toISOString(), consumedByKey: usedBy },
            etag,
          ),
        );
        if (used) return used;
        // Lost the race: read it again to tell another request's use from this request's retry.
      }
    }
  }
  return await refuse('approval_consumed', 'This approval has already been used by another request.');
}

const name = (error: unknown) => (error instanceof Error ? error.name : 'unknown');
