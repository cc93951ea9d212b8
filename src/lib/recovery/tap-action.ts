import type { z } from 'zod';

import { createTap, type TapPolicy } from '../graph/tap';
import type { IssueTapSchema } from './action-schemas';
import type { ActionDeps, ActionRequest, ActionResponse } from './run-action';
import { runAction } from './run-action';
import type { TapPolicyReader } from './tap-policy-cache';
import { resolveTapRequest, tapTargetWarning } from './tap-request';

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
      const warning = tapTargetWarning(policy, context.target.id, context.target.groupIds);
      const tap = await createTap(context.graph, context.userPath, resolved, context.clientRequestId);
      const start = new Date(tap.startDateTime ?? tap.createdDateTime);
      const metadata = {
        user: { id: context.target.id, userPrincipalName: context.target.userPrincipalName },
        methodId: tap.id,
        startDateTime: start.toISOString(),
        lifetimeInMinutes: tap.lifetimeInMinutes,
        expiresDateTime: new Date(start.getTime() + tap.lifetimeInMinutes * 60_000).toISOString(),
        isUsableOnce: tap.isUsableOnce,
        isUsable: tap.isUsable ?? null,
        methodUsabilityReason: tap.methodUsabilityReason ?? null,
        warnings: warning ? [warning] : [],
      };
      return {
        status: 201,
        resolvesLockout: true,
        body: { temporaryAccessPass: tap.temporaryAccessPass, ...metadata },
        headers: { 'cache-control': 'no-store' },
        replayBody: { temporaryAccessPass: null, passDisclosed: true, ...metadata },
        audit: {
          outcome: 'succeeded',
          summary: {
            methodId: tap.id,
            lifetimeInMinutes: tap.lifetimeInMinutes,
            isUsableOnce: tap.isUsableOnce,
            startDateTime: metadata.startDateTime,
            targetWarning: Boolean(warning),
          },
        },
      };
    },
    (graph, _user, clientRequestId) => deps.tapPolicy(graph, clientRequestId),
  );
}
