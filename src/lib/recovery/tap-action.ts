import type { z } from 'zod';

import { createTap, type TapPolicy } from '../graph/tap';
import { AppError, toProblemDocument } from '../http/problem';
import type { GuardTarget } from './action-guard';
import type { IssueTapSchema } from './action-schemas';
import type { ActionContext, ActionDeps, ActionOutcome, ActionRequest, ActionResponse } from './run-action';
import { runAction } from './run-action';
import type { TapPolicyReader } from './tap-policy-cache';
import { type ResolvedTapRequest, resolveTapRequest, tapTargetWarning } from './tap-request';

export type IssueTapInput = z.output<typeof IssueTapSchema>;

/**
 * POST /users/{user}/tap. The pass appears in this response only: the audit entry, the event and
 * the stored idempotent replay carry its metadata, never its value.
 */
export async function issueTap(
  deps: ActionDeps & { tapPolicy: TapPolicyReader },
  request: ActionRequest & { input: IssueTapInput },
): Promise<ActionResponse> {
  return await runAction<TapPolicy>(
    deps,
    request,
    async (context, policy) => {
      const resolved = resolveTapRequest(policy, request.input);
      let pass;
      try {
        pass = await createPass(context, policy, resolved);
      } catch (error) {
        if (error instanceof AppError && error.options.effectUnknown) {
          return undeliveredPass(error, context.target, request.correlationId);
        }
        throw error;
      }
      const metadata = {
        user: { id: context.target.id, userPrincipalName: context.target.userPrincipalName },
        ...pass.metadata,
      };
      return {
        status: 201,
        resolvesLockout: true,
        body: { temporaryAccessPass: pass.temporaryAccessPass, ...metadata },
        headers: { 'cache-control': 'no-store' },
        replayBody: { temporaryAccessPass: null, passDisclosed: true, ...metadata },
        audit: { outcome: 'succeeded', summary: pass.summary },
      };
    },
    (graph, _user, clientRequestId) => deps.tapPolicy(graph, clientRequestId),
  );
}

export interface CreatedPass {
  /** For the caller's answer only: never logged, stored or replayed. */
  temporaryAccessPass: string;
  metadata: {
    methodId: string;
    startDateTime: string;
    lifetimeInMinutes: number;
    expiresDateTime: string;
    isUsableOnce: boolean;
    isUsable: boolean | null;
    methodUsabilityReason: string | null;
    warnings: string[];
  };
  /** What the audit entry and the event keep of it. */
  summary: Record<string, unknown>;
}

/** Creates the pass for the guard-resolved target, warning when the policy does not target them. */
export async function createPass(
  context: ActionContext,
  policy: TapPolicy,
  resolved: ResolvedTapRequest,
): Promise<CreatedPass> {
  const warning = tapTargetWarning(policy, context.target.id, context.target.groupIds);
  const tap = await createTap(context.graph, context.userPath, resolved, context.clientRequestId);
  const start = new Date(tap.startDateTime ?? tap.createdDateTime);
  return {
    temporaryAccessPass: tap.temporaryAccessPass,
    metadata: {
      methodId: tap.id,
      startDateTime: start.toISOString(),
      lifetimeInMinutes: tap.lifetimeInMinutes,
      expiresDateTime: new Date(start.getTime() + tap.lifetimeInMinutes * 60_000).toISOString(),
      isUsableOnce: tap.isUsableOnce,
      isUsable: tap.isUsable ?? null,
      methodUsabilityReason: tap.methodUsabilityReason ?? null,
      warnings: warning ? [warning] : [],
    },
    summary: {
      methodId: tap.id,
      lifetimeInMinutes: tap.lifetimeInMinutes,
      isUsableOnce: tap.isUsableOnce,
      startDateTime: start.toISOString(),
      targetWarning: Boolean(warning),
    },
  };
}

/**
 * The pass request was sent and its answer never came (deadline, gateway timeout) or could not be
 * read: a pass may exist that nobody received. The caller is told so (503, outcome unknown, no
 * pass disclosed), and the answer is kept for replay, so the same Idempotency-Key never creates a
 * second pass; a new request (new key) issues one, replacing any the lost request created.
 */
export function undeliveredPass(cause: AppError, target: GuardTarget, correlationId: string): ActionOutcome {
  const problem = new AppError(
    'time_budget_exceeded',
    'The pass request reached Microsoft Graph but no pass came back in time: one may exist that was never delivered. ' +
      'Issue a new pass with a new Idempotency-Key; it replaces any pass this request created.',
    { ...(cause.options.graphRequestId ? { graphRequestId: cause.options.graphRequestId } : {}) },
  );
  const body = {
    ...toProblemDocument(problem, correlationId),
    outcome: 'unknown',
    passDisclosed: false,
    temporaryAccessPass: null,
    user: { id: target.id, userPrincipalName: target.userPrincipalName },
  };
  return {
    status: problem.status,
    body,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', 'retry-after': '1' },
    storeForReplay: true,
    audit: {
      outcome: 'unknown',
      ...(cause.options.graphRequestId ? { graphRequestIds: [cause.options.graphRequestId] } : {}),
      summary: { code: cause.code, passDisclosed: false },
    },
  };
}
