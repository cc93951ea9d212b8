import type { AuditAction } from '../storage/audit-log';

export const APPROVAL_STATUSES = ['pending', 'approved', 'denied', 'consumed'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** A caller as an approval names it: who, never what roles it held. */
export interface ApprovalParty {
  id: string;
  name?: string;
  appId?: string;
  /** The token's `oid`, so one person cannot approve their own request through another client. */
  objectId?: string;
}

/**
 * One request to act on a protected account (the `Approvals` table). It is bound to the requester,
 * the action, the resolved target and the request's fingerprint, so only that exact request, repeated
 * by that caller, can use it, and only once (docs/approvals.md).
 */
export interface Approval {
  id: string;
  status: ApprovalStatus;
  action: AuditAction;
  requester: ApprovalParty;
  /** The requester, method and route (the Idempotency-Key scope, without the target). */
  scope: string;
  targetId: string;
  targetUpn: string;
  /** The request body and route parameters, hashed as for idempotency. */
  fingerprint: string;
  ticket: string;
  createdAt: string;
  /** Past this, neither a decision nor a repeat is accepted. */
  expiresAt: string;
  decidedBy?: ApprovalParty;
  decidedAt?: string;
  consumedAt?: string;
  /** SHA-256 of the Idempotency-Key of the repeat that used it: only that request's retries pass. */
  consumedByKey?: string;
}

export interface StoredApproval extends Approval {
  etag: string;
}

/** Where approvals are kept. Writes are ETag-guarded, so two concurrent decisions or repeats cannot both win. */
export interface ApprovalStore {
  create(approval: Approval): Promise<StoredApproval>;
  get(id: string): Promise<StoredApproval | undefined>;
  /** Replaces the approval if it is still at `etag`; undefined when it changed (or went) meanwhile. */
  update(approval: Approval, etag: string): Promise<StoredApproval | undefined>;
}

export const isExpired = (approval: Approval, now: Date): boolean =>
  Date.parse(approval.expiresAt) <= now.getTime();

/** What callers see: the state (`expired` once past its time and still unused), never the bindings. */
export function approvalView(approval: Approval, now: Date) {
  const open = approval.status === 'pending' || approval.status === 'approved';
  return {
    id: approval.id,
    status: open && isExpired(approval, now) ? 'expired' : approval.status,
    action: approval.action,
    targetId: approval.targetId,
    targetUpn: approval.targetUpn,
    ticket: approval.ticket,
    requester: approval.requester,
    createdAt: approval.createdAt,
    expiresAt: approval.expiresAt,
    ...(approval.decidedBy ? { decidedBy: approval.decidedBy, decidedAt: approval.decidedAt } : {}),
    ...(approval.consumedAt ? { consumedAt: approval.consumedAt } : {}),
  };
}
