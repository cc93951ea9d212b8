import type { z } from 'zod';

import { type GraphAuthenticationMethod, listAuthenticationMethods } from '../graph/users';
import type { ResetMfaSchema } from './action-schemas';
import { resetMfa, type ResetReport } from './reset-mfa';
import type { ActionContext, ActionRequest, ActionResponse } from './run-action';
import { type ActionDeps, runAction } from './run-action';

export type ResetMfaInput = z.output<typeof ResetMfaSchema>;

/** POST /users/{user}/mfa/reset: remove every removable method, revoke sessions, confirm. */
export async function resetUserMfa(
  deps: ActionDeps,
  request: ActionRequest & { input: ResetMfaInput },
): Promise<ActionResponse> {
  return await runAction<GraphAuthenticationMethod[]>(
    deps,
    request,
    async (context, methods) => {
      const report = await resetTarget(context, methods, request.input);
      const body = {
        user: { id: context.target.id, userPrincipalName: context.target.userPrincipalName },
        ...report,
      };
      const retryAfter = resetRetryAfter(report);
      return {
        status: 200,
        body,
        ...(retryAfter ? { headers: { 'retry-after': retryAfter } } : {}),
        resolvesLockout: report.outcome === 'complete',
        audit: {
          outcome: report.outcome === 'partial' ? 'partial' : 'succeeded',
          graphRequestIds: report.graphRequestIds,
          summary: { ...resetAuditSummary(report), dryRun: request.input.dryRun },
        },
      };
    },
    listAuthenticationMethods,
  );
}

/** Resets the guard-resolved target, confirming with a re-read of its methods by object id. */
export async function resetTarget(
  context: ActionContext,
  methods: readonly GraphAuthenticationMethod[],
  input: Pick<ResetMfaInput, 'methodTypes' | 'revokeSessions' | 'dryRun'>,
): Promise<ResetReport> {
  const byId = { kind: 'id', id: context.target.id } as const;
  return await resetMfa(
    {
      userPath: context.userPath,
      methods,
      ...(input.methodTypes ? { methodTypes: new Set(input.methodTypes) } : {}),
      revokeSessions: input.revokeSessions,
      dryRun: input.dryRun,
    },
    {
      graph: context.graph,
      clientRequestId: context.clientRequestId,
      listMethods: () => listAuthenticationMethods(context.graph, byId, context.clientRequestId),
    },
  );
}

/** Steps Graph throttled past the deadline: the retry that finishes the reset waits as asked. */
export function resetRetryAfter(report: ResetReport): string | undefined {
  const waits = [
    ...report.failed,
    ...(report.sessionsRevocationFailure ? [report.sessionsRevocationFailure] : []),
  ]
    .map((failure) => failure.retryAfterSeconds)
    .filter((seconds) => seconds !== undefined);
  return waits.length > 0 ? String(Math.max(...waits)) : undefined;
}

/** What the audit entry keeps of a reset: counts and refusals, not the method list. */
export function resetAuditSummary(report: ResetReport): Record<string, unknown> {
  return {
    outcome: report.outcome,
    removed: report.removed.length,
    failed: report.failed.map((failure) => `${failure.type}:${failure.status}:${failure.graphCode ?? ''}`),
    remaining: report.remaining.length,
    sessionsRevoked: report.sessionsRevoked,
    ...(report.sessionsRevocationFailure
      ? { sessionsRevocationFailure: report.sessionsRevocationFailure }
      : {}),
    confirmed: report.confirmed,
  };
}
