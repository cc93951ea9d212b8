import type { Client } from '@microsoft/microsoft-graph-client';

import { type BatchStep, type BatchStepResult, sendSteps, stepError, stepRetryAfter } from '../graph/batch';
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
  /** Re-reads the user's methods (the confirming list). */
  listMethods: () => Promise<GraphAuthenticationMethod[]>;
}

export interface FailedDelete extends MethodRef, FailedStep {
  message?: string;
  /** What the caller can do about it (e.g. Graph keeps the default method while others remain). */
  hint?: string;
}

/** A step Graph refused (or throttled past the deadline), as the caller and the audit see it. */
export interface FailedStep {
  status: number;
  graphCode?: string;
  graphRequestId?: string;
  /** How long Graph asked to wait, when it throttled the step. */
  retryAfterSeconds?: number;
}

export interface ResetReport {
  /** `partial` whenever an in-scope method remains or a requested revocation did not happen. */
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
  /** Why revokeSignInSessions did not succeed, when it was requested and failed. */
  sessionsRevocationFailure?: FailedStep;
  /** False when the confirming list could not be read: `remaining` is then what Graph did not report removed. */
  confirmed: boolean;
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
    confirmed: false,
    graphRequestIds: [],
  };
  if (input.dryRun) return report;

  const revoke: BatchStep[] = input.revokeSessions
    ? [{ id: REVOKE_STEP, method: 'POST', url: `${input.userPath}/revokeSignInSessions` }]
    : [];
  let pending: PlannedDelete[] = plan.deletes;
  let extraSteps = revoke;
  let revokeResult: BatchStepResult | undefined;
  const failures = new Map<string, FailedDelete>();
  for (
    let round = 0;
    round <= MAX_RETRY_ROUNDS && (pending.length > 0 || extraSteps.length > 0);
    round += 1
  ) {
    let answer: Awaited<ReturnType<typeof deleteRound>>;
    try {
      answer = await deleteRound(pending, extraSteps, context, report.graphRequestIds);
    } catch (error) {
      // The first round's failure is the caller's answer; a later round that ran out of time
      // leaves what the earlier rounds did, reported below as partial. An in-flight timeout is
      // never swallowed: its deletes may or may not have happened.
      if (round === 0 || !(error instanceof AppError) || error.options.effectUnknown) throw error;
      break;
    }
    const { removedIds, refused } = answer;
    if (answer.revokeResult) revokeResult = answer.revokeResult;
    extraSteps = [];
    for (const failure of refused) failures.set(failure.id, failure);
    for (const id of removedIds) failures.delete(id);
    report.removed.push(...pending.filter((step) => removedIds.has(step.id)).map(toRef));
    const retryable = refused.filter((failure) => failure.status === 400 || failure.status === 424);
    if (removedIds.size === 0 || retryable.length === 0) break;
    pending = plan.deletes.filter((step) => retryable.some((failure) => failure.id === step.id));
  }
  if (revokeResult) {
    report.sessionsRevoked = revokeResult.status >= 200 && revokeResult.status < 300;
    if (!report.sessionsRevoked) report.sessionsRevocationFailure = failedStep(revokeResult);
  }

  const inScope = new Set(plan.deletes.map((step) => step.id));
  const confirmed = await context.listMethods().catch((error: unknown) => {
    // Out of time or Graph unavailable after the deletes: report what the batches said, unconfirmed.
    if (error instanceof AppError && !error.options.effectUnknown) return undefined;
    throw error;
  });
  report.confirmed = confirmed !== undefined;
  const removedNow = new Set(report.removed.map((method) => method.id));
  report.remaining = plan.deletes
    .filter((step) =>
      confirmed ? confirmed.some((method) => method.id === step.id) : !removedNow.has(step.id),
    )
    .map(toRef);
  report.failed = [...failures.values()].filter((failure) =>
    report.remaining.some((left) => left.id === failure.id),
  );
  report.removed = report.removed.filter(
    (removed) => inScope.has(removed.id) && !report.remaining.some((left) => left.id === removed.id),
  );
  report.graphRequestIds.push(
    ...report.failed.flatMap((failure) => (failure.graphRequestId ? [failure.graphRequestId] : [])),
    ...(report.sessionsRevocationFailure?.graphRequestId
      ? [report.sessionsRevocationFailure.graphRequestId]
      : []),
  );
  const revocationMissing = input.revokeSessions && report.sessionsRevoked !== true;
  report.outcome =
    report.remaining.length === 0 && !revocationMissing && report.confirmed ? 'complete' : 'partial';

  // Nothing changed because Graph throttled every step: the caller waits as long as Graph asked.
  const throttled = [
    ...report.failed.filter((failure) => failure.status === 429),
    ...(report.sessionsRevocationFailure?.status === 429 ? [report.sessionsRevocationFailure] : []),
  ];
  const unfinished = report.failed.length + (report.sessionsRevocationFailure ? 1 : 0);
  if (report.removed.length === 0 && throttled.length > 0 && throttled.length === unfinished) {
    throw new AppError(
      'graph_throttled',
      'Graph throttled the reset before it could change anything; retry after the wait.',
      {
        retryAfterSeconds: Math.max(...throttled.map((failure) => failure.retryAfterSeconds ?? 1)),
        ...(throttled[0]?.graphRequestId ? { graphRequestId: throttled[0].graphRequestId } : {}),
      },
    );
  }
  return report;
}

function failedStep(result: BatchStepResult): FailedStep {
  const error = stepError(result);
  const retryAfterSeconds = stepRetryAfter(result);
  return {
    status: result.status,
    ...(error.code ? { graphCode: error.code } : {}),
    ...(error.requestId ? { graphRequestId: error.requestId } : {}),
    ...(result.status === 429 && retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  };
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
      sendSteps(context.graph, batch.steps, {
        version: batch.version,
        clientRequestId: context.clientRequestId,
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
          ...failedStep(result),
          ...(error.message && result.status < 500 ? { message: error.message } : {}),
          ...(hint ? { hint } : {}),
        });
      }
    }
  });
  return { removedIds, refused, ...(revokeResult ? { revokeResult } : {}) };
}
