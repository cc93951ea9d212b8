import type { Client } from '@microsoft/microsoft-graph-client';

import { type BatchStep, type BatchStepResult, sendBatch, stepError } from '../graph/batch';
import type { RemovableMethodType } from '../graph/method-types';
import type { GraphAuthenticationMethod } from '../graph/users';
import { AppError } from '../http/problem';
import { defaultMethodHint } from './default-method';
import { type MethodRef, type PlannedDelete, planReset, type ResetPlan, toDeleteBatches } from './reset-plan';

export interface ResetInput {
  /** The user's Graph path by object id (resolved by the guard). */
  userPath: string;
  methods: readonly GraphAuthenticationMethod[];
  methodTypes?: ReadonlySet<RemovableMethodType>;
  revokeSessions: boolean;
  dryRun: boolean;
}

export interface ResetContext {
  graph: Client;
  clientRequestId: string;
  /** Epoch ms: past it, throttled work is left for the caller's retry. */
  deadline: number;
  /** Re-reads the user's methods (the confirming list). */
  listMethods: () => Promise<GraphAuthenticationMethod[]>;
}

export interface FailedDelete extends MethodRef {
  status: number;
  graphCode?: string;
  graphRequestId?: string;
  message?: string;
  /** What the caller can do about it (e.g. Graph keeps the default method while others remain). */
  hint?: string;
}

export interface ResetReport {
  outcome: 'complete' | 'partial' | 'planned';
  removed: MethodRef[];
  failed: FailedDelete[];
  /** Methods in scope that the confirming list still shows. */
  remaining: MethodRef[];
  kept: ResetPlan['kept'];
  /** In dry-run mode: what would be deleted, in order. */
  planned: MethodRef[];
  /** null when not requested (or dry run). */
  sessionsRevoked: boolean | null;
  /** Graph's request-ids of every batch sent and of each refused step, for the audit entry. */
  graphRequestIds: string[];
}

const REVOKE_STEP = 'revoke-sessions';
/** Rounds after the first: a refused default method succeeds once the others are gone. */
const MAX_RETRY_ROUNDS = 2;

const isGone = (status: number) => status === 204 || status === 200 || status === 404;
const toRef = ({ id, type }: MethodRef): MethodRef => ({ id, type });

/**
 * Deletes every in-scope method with as few Graph round trips as Graph's rules allow: one batch
 * round (all versions in parallel), a retry round only for deletes Graph refused while others
 * succeeded (Graph does not say which method is the default, and refuses it while others remain),
 * then one confirming list. Never reports `complete` while an in-scope method remains.
 */
export async function resetMfa(input: ResetInput, context: ResetContext): Promise<ResetReport> {
  const plan = planReset(input.methods, input.userPath, input.methodTypes);
  const report: ResetReport = {
    outcome: 'planned',
    removed: [],
    failed: [],
    remaining: [],
    kept: plan.kept,
    planned: plan.deletes.map(toRef),
    sessionsRevoked: null,
    graphRequestIds: [],
  };
  if (input.dryRun) return report;

  const revoke: BatchStep[] = input.revokeSessions
    ? [{ id: REVOKE_STEP, method: 'POST', url: `${input.userPath}/revokeSignInSessions` }]
    : [];
  let pending: PlannedDelete[] = plan.deletes;
  let extraSteps = revoke;
  const failures = new Map<string, FailedDelete>();
  for (
    let round = 0;
    round <= MAX_RETRY_ROUNDS && (pending.length > 0 || extraSteps.length > 0);
    round += 1
  ) {
    const { removedIds, refused, revokeResult } = await deleteRound(
      pending,
      extraSteps,
      context,
      report.graphRequestIds,
    );
    if (revokeResult) report.sessionsRevoked = revokeResult.status >= 200 && revokeResult.status < 300;
    extraSteps = [];
    for (const failure of refused) failures.set(failure.id, failure);
    for (const id of removedIds) failures.delete(id);
    report.removed.push(...pending.filter((step) => removedIds.has(step.id)).map(toRef));
    const retryable = refused.filter((failure) => failure.status === 400 || failure.status === 424);
    if (removedIds.size === 0 || retryable.length === 0 || Date.now() >= context.deadline) break;
    pending = plan.deletes.filter((step) => retryable.some((failure) => failure.id === step.id));
  }

  const inScope = new Set(plan.deletes.map((step) => step.id));
  const confirmed = await context.listMethods();
  report.remaining = plan.deletes
    .filter((step) => confirmed.some((method) => method.id === step.id))
    .map(toRef);
  report.failed = [...failures.values()].filter((failure) =>
    report.remaining.some((left) => left.id === failure.id),
  );
  report.removed = report.removed.filter(
    (removed) => inScope.has(removed.id) && !report.remaining.some((left) => left.id === removed.id),
  );
  report.graphRequestIds.push(
    ...report.failed.flatMap((failure) => (failure.graphRequestId ? [failure.graphRequestId] : [])),
  );
  report.outcome = report.remaining.length === 0 ? 'complete' : 'partial';

  const throttled = report.failed.filter((failure) => failure.status === 429);
  if (throttled.length > 0 && throttled.length === report.failed.length) {
    throw new AppError(
      'time_budget_exceeded',
      'Graph throttled the reset before it could finish; retry to finish it.',
      {
        retryAfterSeconds: 10,
      },
    );
  }
  return report;
}

async function deleteRound(
  deletes: readonly PlannedDelete[],
  extraSteps: readonly BatchStep[],
  context: ResetContext,
  requestIds: string[],
): Promise<{ removedIds: Set<string>; refused: FailedDelete[]; revokeResult?: BatchStepResult }> {
  const batches = toDeleteBatches(deletes, extraSteps);
  const answers = await Promise.all(
    batches.map((batch) =>
      sendBatch(context.graph, batch.steps, {
        version: batch.version,
        clientRequestId: context.clientRequestId,
        deadline: context.deadline,
        requestIds,
      }),
    ),
  );
  const removedIds = new Set<string>();
  const refused: FailedDelete[] = [];
  let revokeResult: BatchStepResult | undefined;
  batches.forEach((batch, index) => {
    for (const [stepId, result] of answers[index] ?? new Map<string, BatchStepResult>()) {
      if (stepId === REVOKE_STEP) {
        revokeResult = result;
        continue;
      }
      const method = batch.methods.get(stepId);
      if (!method) continue;
      if (isGone(result.status)) {
        removedIds.add(method.id);
      } else {
        const error = stepError(result);
        const hint = defaultMethodHint({
          status: result.status,
          ...(error.message ? { message: error.message } : {}),
        });
        refused.push({
          ...toRef(method),
          status: result.status,
          ...(error.code ? { graphCode: error.code } : {}),
          ...(error.requestId ? { graphRequestId: error.requestId } : {}),
          ...(error.message && result.status < 500 ? { message: error.message } : {}),
          ...(hint ? { hint } : {}),
        });
      }
    }
  });
  return { removedIds, refused, ...(revokeResult ? { revokeResult } : {}) };
}
