import type { Client } from '@microsoft/microsoft-graph-client';

import type { ApprovalStore } from '../approvals/approval';
import { gatePrivilegedTarget } from '../approvals/privileged-target';
import { checkAttackFlag, startAttackFlagRead } from '../attack-flags/open-attack-flag';
import { type Caller, callerDetails } from '../auth/caller';
import { targetAccessRefusal } from '../auth/target-access';
import type { Config } from '../config';
import { actionDeadline, withDeadline } from '../deadline';
import { type FlagAccess, resolveAfterRecovery } from '../detection/lockout-api';
import { userPath } from '../graph/user-path';
import { graphClientRequestId } from '../http/correlation';
import { AppError } from '../http/problem';
import type { UserReference } from '../http/user-reference';
import type { ActionLimits } from '../limits/action-limits';
import type { AuditAction, AuditAttempt, AuditEntry, AuditLog, AuditResult } from '../storage/audit-log';
import type { IdempotencyRecord, IdempotencyStore } from '../storage/idempotency-store';
import type { EventPublisher } from '../storage/recovery-events';
import type { CheckTarget, GuardTarget, GuardVerdict } from './action-guard';
import type { ActionBase } from './action-schemas';

export interface ActionDeps {
  graph: Client;
  config: Pick<Config, 'guard' | 'actions' | 'callers' | 'approvals' | 'registration'>;
  checkTarget: CheckTarget;
  audit: AuditLog;
  events: EventPublisher;
  idempotency: IdempotencyStore;
  /** To refuse a target under attack, and to resolve its open lockout flag after a recovery. */
  lockouts: FlagAccess;
  /** Second-person approvals for protected targets (docs/approvals.md). */
  approvals: ApprovalStore;
  /** The kill switch, the brake and the rate limits (docs/limits.md). */
  limits: ActionLimits;
  log: { warn(message: string): void };
}

export interface ActionRequest {
  action: AuditAction;
  user: UserReference;
  input: ActionBase;
  caller: Caller;
  correlationId: string;
  /** The `Approval-Id` header: a request for a protected target, repeated once approved. */
  approvalId?: string;
  /**
   * `scope` names the caller, method and route; runAction adds the target's object id once the
   * guard has resolved it, so naming the user by UPN or by id is the same request.
   */
  idempotency: { key: string; scope: string; fingerprint: string };
}

export interface ActionContext {
  graph: Client;
  target: GuardTarget;
  /** The target's Graph path by object id. */
  userPath: string;
  clientRequestId: string;
}

export interface ActionOutcome {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  audit: {
    /** `unknown`: a write was sent and its answer never came (see docs/outcomes.md). */
    outcome: 'succeeded' | 'partial' | 'failed' | 'unknown';
    summary?: Record<string, unknown>;
    graphRequestIds?: string[];
  };
  /** The user is back in: their open lockout flag is resolved with this action's ticket. */
  resolvesLockout?: boolean;
  /** What a retry with the same Idempotency-Key gets back, when it differs from `body` (a TAP without its pass). */
  replayBody?: unknown;
  /**
   * Keep this answer for replay although the action did not succeed: a TAP whose creation timed
   * out must never be sent again under the same key (a second pass would replace the first).
   */
  storeForReplay?: boolean;
}

/** A read started together with the guard, by the user as the caller named them. */
export type Prefetch<T> = (graph: Client, user: UserReference, clientRequestId: string) => Promise<T>;

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Holds a rejection until it is needed, so a refused action leaves no unhandled promise. */
const settle = <T>(promise: Promise<T>): Promise<Settled<T>> =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

function unwrap<T>(settled: Settled<T>): T {
  if (settled.ok) return settled.value;
  throw settled.error;
}

export interface ActionResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/**
 * Every mutating action goes through here, within one deadline (ACTION_TIME_BUDGET_SECONDS) that
 * bounds every Graph, Table and Queue call it makes: verification, the protected-account guard
 * (which resolves the target), idempotency by the resolved object id, an audit row written before
 * the tenant changes and completed after, and one event. Only a fully successful result (or a TAP
 * whose effect is unknown) is kept for replay; anything else is released so a retry runs (and
 * finishes) it. docs/outcomes.md describes each outcome.
 */
export async function runAction<Prefetched = undefined>(
  deps: ActionDeps,
  request: ActionRequest,
  perform: (context: ActionContext, prefetched: Prefetched) => Promise<ActionOutcome>,
  prefetch?: Prefetch<Prefetched>,
): Promise<ActionResponse> {
  const deadline = actionDeadline(deps.config.actions.timeBudgetMs);
  return await withDeadline(deadline, async () => await guardedAction(deps, request, perform, prefetch));
}

/**
 * The key's record is taken once the target is resolved: Table Storage lets exactly one insert of
 * a (scope, key) succeed, so concurrent requests naming the user by UPN and by id, with one key,
 * still run one action. The record lives beside the audit: if it can't be written, nothing changes.
 */
async function beginOnce(
  deps: ActionDeps,
  request: ActionRequest,
  targetId: string,
): Promise<{ replay: ActionResponse } | { record: IdempotencyRecord }> {
  const { key, scope, fingerprint } = request.idempotency;
  const begun = await deps.idempotency
    .begin(`${scope}|${targetId}`, key, fingerprint)
    .catch((error: unknown) => {
      throw new AppError('audit_unavailable', 'The audit store (Table Storage) is unavailable.', {
        cause: error,
      });
    });
  switch (begun.kind) {
    case 'replay':
      return {
        replay: {
          status: begun.status,
          body: begun.body,
          headers: { ...begun.headers, 'idempotent-replayed': 'true' },
        },
      };
    case 'in_progress':
      throw new AppError('idempotency_in_progress', 'A request with this Idempotency-Key is still running.', {
        retryAfterSeconds: 1,
      });
    case 'mismatch':
      throw new AppError('idempotency_key_reused', 'This Idempotency-Key was sent with a different request.');
    case 'started':
      return { record: begun.record };
  }
}

async function release(deps: ActionDeps, record: IdempotencyRecord): Promise<void> {
  await deps.idempotency.release(record).catch((error: unknown) => {
    deps.log.warn(
      `could not release Idempotency-Key record: ${error instanceof Error ? error.name : 'unknown error'}`,
    );
  });
}

async function guardedAction<Prefetched>(
  deps: ActionDeps,
  request: ActionRequest,
  perform: (context: ActionContext, prefetched: Prefetched) => Promise<ActionOutcome>,
  prefetch: Prefetch<Prefetched> | undefined,
): Promise<ActionResponse> {
  const clientRequestId = graphClientRequestId(request.correlationId);
  const attempt: AuditAttempt = {
    action: request.action,
    caller: request.caller.id,
    ...(request.caller.name ? { callerName: request.caller.name } : {}),
    ...(request.caller.appId ? { callerAppId: request.caller.appId } : {}),
    ticket: request.input.ticket,
    ...(request.input.reason ? { reason: request.input.reason } : {}),
    verification: request.input.verification,
    correlationId: request.correlationId,
    ...(request.user.kind === 'upn' ? { targetUpn: request.user.upn } : { targetId: request.user.id }),
  };

  if (!deps.config.guard.verificationMethods.has(request.input.verification.method)) {
    await refuse(
      deps,
      attempt,
      new AppError(
        'verification_not_allowed',
        `Verification by ${request.input.verification.method} is not accepted here.`,
      ),
    );
  }

  // A read the action needs anyway runs beside the guard's look-ups, saving a round trip; its
  // answer is used only once the guard has allowed the target.
  const prefetched = prefetch ? settle(prefetch(deps.graph, request.user, clientRequestId)) : undefined;
  const attackFlag = startAttackFlagRead(deps.lockouts, request);
  // So does the one Table query the kill switch, the brake and the rate limits need.
  const limits = deps.limits.begin(request);
  let verdict;
  try {
    verdict = await deps.checkTarget(request.user, clientRequestId);
  } catch (error) {
    const appError =
      error instanceof AppError
        ? error
        : new AppError('guard_unavailable', 'The protected-account check failed.', { cause: error });
    return await refuse(deps, attempt, appError);
  }
  const resolved: AuditAttempt = {
    ...attempt,
    targetId: verdict.target.id,
    targetUpn: verdict.target.userPrincipalName,
  };
  const outOfReach = targetAccessRefusal(request.caller, verdict, deps.config.callers);
  if (outOfReach) return await refuse(deps, resolved, outOfReach);
  const attackFlagOverride = await checkAttackFlag(deps, request, verdict, attackFlag, resolved);
  const gate = await gatePrivilegedTarget(deps, request, verdict, resolved);
  if (gate.kind === 'pending') return gate.response;
  verdict = gate.verdict;
  const targeted: AuditAttempt = {
    ...resolved,
    ...attackFlagOverride,
    ...(gate.approval ? { approval: gate.approval } : {}),
  };
  if (!verdict.allowed) {
    const detail =
      verdict.code === 'break_glass_account'
        ? 'This is a break-glass account: no recovery action may touch it.'
        : 'The account holds a protected directory role or group membership; recover it by hand with a privileged administrator.';
    await deps.events
      .publish({
        type:
          verdict.code === 'break_glass_account' ? 'security.break_glass_attempt' : 'recovery.action.refused',
        severity: 'high',
        action: request.action,
        outcome: 'refused',
        targetId: verdict.target.id,
        targetUpn: verdict.target.userPrincipalName,
        ticket: request.input.ticket,
        correlationId: request.correlationId,
        details: { code: verdict.code, caller: callerDetails(request.caller) },
      })
      .catch((error: unknown) =>
        deps.log.warn(`could not publish refusal event: ${error instanceof Error ? error.name : 'unknown'}`),
      );
    return await refuse(deps, targeted, new AppError(verdict.code, detail), verdict.reasons);
  }

  const begun = await beginOnce(deps, request, verdict.target.id);
  if ('replay' in begun) return begun.replay;
  try {
    const limited = await limits.admit(verdict.target);
    if (limited) await refuse(deps, targeted, limited);
    const outcome = await performAudited(
      deps,
      request,
      { targeted, verdict, clientRequestId },
      perform,
      prefetched,
    );
    if (outcome.audit.outcome === 'succeeded' || outcome.storeForReplay) {
      // The action is done: a record that can't be completed only costs the replay, so log it.
      await deps.idempotency
        .complete(begun.record, {
          status: outcome.status,
          body: outcome.replayBody ?? outcome.body,
          headers: outcome.headers ?? {},
        })
        .catch((error: unknown) =>
          deps.log.warn(
            `could not complete Idempotency-Key record: ${error instanceof Error ? error.name : 'unknown'}`,
          ),
        );
    } else {
      await release(deps, begun.record);
    }
    return { status: outcome.status, body: outcome.body, headers: outcome.headers ?? {} };
  } catch (error) {
    await release(deps, begun.record);
    throw error;
  }
}

async function performAudited<Prefetched>(
  deps: ActionDeps,
  request: ActionRequest,
  allowed: { targeted: AuditAttempt; verdict: GuardVerdict; clientRequestId: string },
  perform: (context: ActionContext, prefetched: Prefetched) => Promise<ActionOutcome>,
  prefetched: Promise<Settled<Prefetched>> | undefined,
): Promise<ActionOutcome> {
  const { targeted, verdict, clientRequestId } = allowed;
  const entry = await deps.audit.start(targeted);
  const context: ActionContext = {
    graph: deps.graph,
    target: verdict.target,
    userPath: userPath({ kind: 'id', id: verdict.target.id }),
    clientRequestId,
  };
  let outcome: ActionOutcome;
  try {
    outcome = await perform(context, (await prefetched?.then(unwrap)) as Prefetched);
  } catch (error) {
    // Only the code and detail go to the audit and event; the error itself is rethrown.
    const appError =
      error instanceof AppError ? error : new AppError('internal_error', 'The action failed unexpectedly.');
    // A write that timed out in flight may have happened: that is unknown, not failed.
    const result = appError.options.effectUnknown ? 'unknown' : 'failed';
    await completeAudit(deps, entry, {
      outcome: result,
      code: appError.code,
      detail: appError.detail,
      graphRequestIds: appError.options.graphRequestId ? [appError.options.graphRequestId] : [],
    });
    await publishCompleted(deps, request, verdict.target, result, { code: appError.code });
    throw error;
  }
  await completeAudit(deps, entry, {
    outcome: outcome.audit.outcome,
    graphRequestIds: [...verdict.graphRequestIds, ...(outcome.audit.graphRequestIds ?? [])],
    ...(outcome.audit.summary ? { summary: outcome.audit.summary } : {}),
  });
  await publishCompleted(deps, request, verdict.target, outcome.audit.outcome, outcome.audit.summary);
  if (outcome.resolvesLockout) {
    await resolveAfterRecovery(deps.lockouts, verdict.target.id, request.input.ticket).catch(
      (error: unknown) =>
        deps.log.warn(
          `could not resolve the lockout flag: ${error instanceof Error ? error.name : 'unknown'}`,
        ),
    );
  }
  return outcome;
}

/**
 * Completes the audit row within the answer deadline. If Table Storage doesn't answer, the caller
 * still gets the action's answer (a TAP is never withheld for the audit's sake): the row stays
 * `started` and what it would have said is logged, for an operator to reconcile.
 */
async function completeAudit(
  deps: ActionDeps,
  entry: AuditEntry,
  result: AuditResult & { graphRequestIds: string[] },
): Promise<void> {
  await deps.audit
    .complete(entry, result)
    .catch((auditError: unknown) =>
      deps.log.warn(
        `audit completion failed (${auditError instanceof Error ? auditError.name : 'unknown'}): entry ${entry.id} left started; ` +
          `outcome=${result.outcome} code=${result.code ?? '-'} graphRequestIds=${result.graphRequestIds.join(',')} ` +
          `summary=${JSON.stringify(result.summary ?? {})}`,
      ),
    );
}

async function refuse(
  deps: ActionDeps,
  attempt: AuditAttempt,
  error: AppError,
  reasons: string[] = [],
): Promise<never> {
  await deps.audit.refused(
    attempt,
    error.code,
    reasons.length > 0 ? `${error.detail} (${reasons.join(', ')})` : error.detail,
  );
  throw error;
}

async function publishCompleted(
  deps: ActionDeps,
  request: ActionRequest,
  target: GuardTarget,
  outcome: string,
  details?: Record<string, unknown>,
): Promise<void> {
  await deps.events
    .publish({
      type: 'recovery.action.completed',
      severity: 'info',
      action: request.action,
      outcome,
      targetId: target.id,
      targetUpn: target.userPrincipalName,
      ticket: request.input.ticket,
      correlationId: request.correlationId,
      details: { ...details, caller: callerDetails(request.caller) },
    })
    .catch((error: unknown) =>
      deps.log.warn(`could not publish event: ${error instanceof Error ? error.name : 'unknown'}`),
    );
}
