/** Every error this service answers with; `code` is the stable, machine-readable part of the contract. */
export const PROBLEMS = {
  invalid_request: { status: 400, title: 'The request is not valid' },
  user_not_found: { status: 404, title: 'No such user' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'The request body must be application/json' },
  not_found: { status: 404, title: 'Not found' },
  method_not_found: { status: 404, title: 'The user has no such authentication method' },
  method_not_removable: { status: 409, title: 'This authentication method cannot be removed' },
  method_exists: { status: 409, title: 'The user already has this authentication method' },
  suspension_not_found: { status: 404, title: 'No MFA suspension for this user' },
  lockout_not_found: { status: 404, title: 'No lockout flag for this user' },
  lockout_transition_invalid: { status: 409, title: 'The lockout flag cannot move to that status' },
  lockout_changed: { status: 409, title: 'The lockout flag changed meanwhile; read it and try again' },
  unauthenticated: { status: 401, title: 'A valid caller credential is required' },
  forbidden: { status: 403, title: 'The caller lacks the app role this call needs' },
  protected_account: { status: 403, title: 'The account is protected from this service' },
  break_glass_account: { status: 403, title: 'Break-glass accounts are never acted on' },
  verification_not_allowed: { status: 403, title: 'The verification method is not allowed' },
  tap_policy_disabled: { status: 409, title: 'The tenant does not allow Temporary Access Passes' },
  idempotency_key_required: { status: 400, title: 'An Idempotency-Key header is required' },
  idempotency_key_reused: { status: 422, title: 'The Idempotency-Key was used for a different request' },
  idempotency_in_progress: { status: 409, title: 'A request with this Idempotency-Key is in progress' },
  guard_unavailable: { status: 503, title: 'The protected-account check could not be completed' },
  audit_unavailable: { status: 503, title: 'The audit store is unavailable' },
  time_budget_exceeded: { status: 503, title: 'The action did not finish within its time budget' },
  graph_rejected_request: { status: 502, title: 'Microsoft Graph rejected the request' },
  graph_unauthorized: { status: 502, title: 'Microsoft Graph did not accept the service identity' },
  graph_permission_denied: { status: 502, title: 'The service identity lacks a Microsoft Graph permission' },
  graph_throttled: { status: 503, title: 'Microsoft Graph is throttling this service' },
  graph_unavailable: { status: 503, title: 'Microsoft Graph is unavailable' },
  identity_unavailable: { status: 503, title: 'The service identity could not get a token' },
  internal_error: { status: 500, title: 'Internal error' },
  // Callers (docs/callers.md)
  caller_check_unavailable: { status: 503, title: "The caller's credential could not be checked" },
  out_of_scope: { status: 403, title: 'The caller may not act on this user' },
  step_up_required: { status: 401, title: 'This account needs a stronger sign-in by the caller' },
  // Two people for privileged targets; attack flags (docs/approvals.md)
  approval_not_found: { status: 404, title: 'No such approval' },
  self_approval: { status: 403, title: 'A request cannot be approved by whoever made it' },
  approval_mismatch: { status: 403, title: 'The approval was given for a different request' },
  approval_denied: { status: 403, title: 'The approval was denied' },
  approval_pending: { status: 409, title: 'The approval has not been decided yet' },
  approval_expired: { status: 409, title: 'The approval has expired' },
  approval_decided: { status: 409, title: 'The approval has already been decided' },
  approval_consumed: { status: 409, title: 'The approval has already been used' },
  suspected_attack_open: { status: 409, title: 'The user has an open suspected-attack flag' },
  // --- Limits, the brake and the kill switch (docs/limits.md) ---
  target_rate_limited: { status: 429, title: 'This user has had as many recoveries as the window allows' },
  caller_rate_limited: { status: 429, title: 'This caller has made as many changes as the hour allows' },
  brake_engaged: {
    status: 503,
    title: 'The mass-recovery brake is engaged; an administrator must release it',
  },
  service_disabled: { status: 503, title: 'Changes are switched off for this service' },
  limits_unavailable: { status: 503, title: 'The limits store could not be read or updated' },
  reports_unavailable: { status: 503, title: 'The stored flags, audit or snapshots could not be read' },
  // --- end of limits ---
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

export interface FieldProblem {
  path: string;
  message: string;
}

export interface AppErrorOptions {
  errors?: FieldProblem[];
  /** Graph's request-id, so an operator can trace the call in Microsoft's logs. */
  graphRequestId?: string;
  graphCode?: string;
  retryAfterSeconds?: number;
  /** A `WWW-Authenticate` challenge (RFC 6750) for 401 answers. */
  wwwAuthenticate?: string;
  /** A write was sent but its answer never came (timeout): Graph may or may not have carried it out. */
  effectUnknown?: boolean;
  cause?: unknown;
}

/** An error with a known meaning for the caller; anything else becomes `internal_error`. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly status: number;

  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly options: AppErrorOptions = {},
  ) {
    super(`${code}: ${detail}`, { cause: options.cause });
    this.status = PROBLEMS[code].status;
  }
}

/** RFC 9457 problem details, with this service's extension members. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  correlationId: string;
  errors?: FieldProblem[];
  graphRequestId?: string;
  graphCode?: string;
}

export function toProblemDocument(error: AppError, correlationId: string): ProblemDocument {
  const { errors, graphRequestId, graphCode } = error.options;
  return {
    type: `urn:mfa-recovery:problem:${error.code}`,
    title: PROBLEMS[error.code].title,
    status: error.status,
    detail: error.detail,
    code: error.code,
    correlationId,
    ...(errors ? { errors } : {}),
    ...(graphRequestId ? { graphRequestId } : {}),
    ...(graphCode ? { graphCode } : {}),
  };
}
