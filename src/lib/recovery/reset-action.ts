import type { z } from 'zod';

import { type GraphAuthenticationMethod, listAuthenticationMethods } from '../graph/users';
import type { ResetMfaSchema } from './action-schemas';
import { resetMfa } from './reset-mfa';
import type { ActionRequest, ActionResponse } from './run-action';
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
      const byId = { kind: 'id', id: context.target.id } as const;
      const listMethods = () => listAuthenticationMethods(context.graph, byId, context.clientRequestId);
      const report = await resetMfa(
        {
          userPath: context.userPath,
          methods,
          ...(request.input.methodTypes ? { methodTypes: new Set(request.input.methodTypes) } : {}),
          revokeSessions: request.input.revokeSessions,
          dryRun: request.input.dryRun,
        },
        {
          graph: context.graph,
          clientRequestId: context.clientRequestId,
          listMethods,
        },
      );
      const body = {
        user: { id: context.target.id, userPrincipalName: context.target.userPrincipalName },
        ...report,
      };
      // Steps Graph throttled past the deadline: the retry that finishes the reset waits as asked.
      const waits = [
        ...report.failed,
        ...(report.sessionsRevocationFailure ? [report.sessionsRevocationFailure] : []),
      ]
        .map((failure) => failure.retryAfterSeconds)
        .filter((seconds) => seconds !== undefined);
      return {
        status: 200,
        body,
        ...(waits.length > 0 ? { headers: { 'retry-after': String(Math.max(...waits)) } } : {}),
        resolvesLockout: report.outcome === 'complete',
        audit: {
          outcome: report.outcome === 'partial' ? 'partial' : 'succeeded',
          graphRequestIds: report.graphRequestIds,
          summary: {
            outcome: report.outcome,
            removed: report.removed.length,
            failed: report.failed.map(
              (failure) => `${failure.type}:${failure.status}:${failure.graphCode ?? ''}`,
            ),
            remaining: report.remaining.length,
            sessionsRevoked: report.sessionsRevoked,
            ...(report.sessionsRevocationFailure
              ? { sessionsRevocationFailure: report.sessionsRevocationFailure }
              : {}),
            confirmed: report.confirmed,
            dryRun: request.input.dryRun,
          },
        },
      };
    },
    listAuthenticationMethods,
  );
}
