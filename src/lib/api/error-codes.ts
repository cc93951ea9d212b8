import type { ProblemCode } from '../http/problem';

/*
 * The problem codes each kind of operation can answer, grouped by the layer that raises them, so the
 * documents list every error response an operation can give (src/lib/http/problem.ts).
 */

/** Any handler: an unexpected failure. */
export const ALWAYS: readonly ProblemCode[] = ['internal_error'];

/** requireCaller / authenticate (docs/callers.md). */
export const CALLER_ERRORS: readonly ProblemCode[] = [
  'unauthenticated',
  'forbidden',
  'caller_check_unavailable',
];

/** A `{user}` path parameter, resolved against the directory. */
export const USER_ERRORS: readonly ProblemCode[] = ['invalid_request', 'user_not_found'];

/** parseJsonBody. */
export const BODY_ERRORS: readonly ProblemCode[] = [
  'invalid_request',
  'payload_too_large',
  'unsupported_media_type',
];

/** Calls to Microsoft Graph with the service identity. */
export const GRAPH_ERRORS: readonly ProblemCode[] = [
  'graph_rejected_request',
  'graph_unauthorized',
  'graph_permission_denied',
  'graph_throttled',
  'graph_unavailable',
  'identity_unavailable',
];

/** runAction: idempotency, the guard, approvals, limits, the audit and the time budget. */
export const ACTION_ERRORS: readonly ProblemCode[] = [
  ...CALLER_ERRORS,
  ...USER_ERRORS,
  ...BODY_ERRORS,
  ...GRAPH_ERRORS,
  'verification_not_allowed',
  'idempotency_key_required',
  'idempotency_key_reused',
  'idempotency_in_progress',
  'protected_account',
  'break_glass_account',
  'out_of_scope',
  'step_up_required',
  'guard_unavailable',
  'audit_unavailable',
  'time_budget_exceeded',
  'approval_not_found',
  'approval_mismatch',
  'approval_denied',
  'approval_pending',
  'approval_expired',
  'approval_consumed',
  'suspected_attack_open',
  'target_rate_limited',
  'caller_rate_limited',
  'brake_engaged',
  'service_disabled',
  'limits_unavailable',
];

/** Reads of a user through Graph by a caller (scoped callers, protected accounts). */
export const USER_READ_ERRORS: readonly ProblemCode[] = [
  ...CALLER_ERRORS,
  ...USER_ERRORS,
  ...GRAPH_ERRORS,
  'out_of_scope',
  'guard_unavailable',
];

/** Service controls (docs/limits.md): audited writes to the limits store. */
export const CONTROL_ERRORS: readonly ProblemCode[] = [
  ...CALLER_ERRORS,
  ...BODY_ERRORS,
  'limits_unavailable',
  'audit_unavailable',
];
