import type { z } from 'zod';

import type { TapPolicy } from '../graph/tap';
import { type GraphAuthenticationMethod, listAuthenticationMethods } from '../graph/users';
import { AppError } from '../http/problem';
import type { RecoverUserSchema } from './action-schemas';
import { resetAuditSummary, resetRetryAfter, resetTarget } from './reset-action';
import type { ResetReport } from './reset-mfa';
import type { ActionDeps, ActionOutcome, ActionRequest, ActionResponse } from './run-action';
import { runAction } from './run-action';
import { createPass, undeliveredPass } from './tap-action';
import type { TapPolicyReader } from './tap-policy-cache';
import { resolveTapRequest } from './tap-request';

export type RecoverUserInput = z.output<typeof RecoverUserSchema>;

interface Prefetched {
  methods: GraphAuthenticationMethod[];
  policy: TapPolicy;
}

/** Why no pass was issued, as the answer, the audit entry and the event say it. */
interface PassWithheld {
  reason: string;
  detail: string;
  graphRequestId?: string;
}

/**
 * POST /users/{user}/recover: the reset, then a TAP only once the reset is confirmed complete (a
 * pass issued while a strong method remains asks for a step-up the user cannot pass). One guarded,
 * audited, rate-limited action (docs/recover.md); the pass appears in this response only.
 */
export async function recoverUser(
  deps: ActionDeps & { tapPolicy: TapPolicyReader },
  request: ActionRequest & { input: RecoverUserInput },
): Promise<ActionResponse> {
  return await runAction<Prefetched>(
    deps,
    request,
    async (context, { methods, policy }) => {
      // A lifetime outside the policy is the caller's mistake: refused before anything changes.
      const passRequest = policy.state === 'enabled' ? resolveTapRequest(policy, request.input) : undefined;
      const report = await resetTarget(context, methods, { ...request.input, dryRun: false });
      const user = { id: context.target.id, userPrincipalName: context.target.userPrincipalName };
      const retryAfter = resetRetryAfter(report);
      const headers = { 'cache-control': 'no-store', ...(retryAfter ? { 'retry-after': retryAfter } : {}) };

      if (report.outcome !== 'complete') {
        return withheld(user, report, headers, {
          reason: 'reset_incomplete',
          detail:
            'A method in scope remains or sessions were not revoked: no pass was issued. Retry to finish.',
        });
      }
      if (!passRequest) {
        return withheld(user, report, headers, {
          reason: 'tap_policy_disabled',
          detail:
            "The reset is complete, but the tenant's Temporary Access Pass policy is disabled: no pass was issued.",
        });
      }
      let pass;
      try {
        pass = await createPass(context, policy, passRequest);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        if (error.options.effectUnknown) {
          const unknown = undeliveredPass(error, context.target, request.correlationId);
          return {
            ...unknown,
            body: { ...(unknown.body as object), reset: report },
            audit: {
              ...unknown.audit,
              graphRequestIds: [...report.graphRequestIds, ...(unknown.audit.graphRequestIds ?? [])],
              summary: { reset: resetAuditSummary(report), tap: unknown.audit.summary },
            },
          };
        }
        return withheld(user, report, headers, {
          reason: error.code,
          detail: error.detail,
          ...(error.options.graphRequestId ? { graphRequestId: error.options.graphRequestId } : {}),
        });
      }
      const answer = (tap: Record<string, unknown>) => ({ user, outcome: 'complete', reset: report, tap });
      return {
        status: 200,
        body: answer({ issued: true, temporaryAccessPass: pass.temporaryAccessPass, ...pass.metadata }),
        replayBody: answer({
          issued: true,
          temporaryAccessPass: null,
          passDisclosed: true,
          ...pass.metadata,
        }),
        headers,
        resolvesLockout: true,
        audit: {
          outcome: 'succeeded',
          graphRequestIds: report.graphRequestIds,
          summary: {
            outcome: 'complete',
            reset: resetAuditSummary(report),
            tap: { issued: true, ...pass.summary },
          },
        },
      };
    },
    async (graph, user, clientRequestId) => {
      const [methods, policy] = await Promise.all([
        listAuthenticationMethods(graph, user, clientRequestId),
        deps.tapPolicy(graph, clientRequestId),
      ]);
      return { methods, policy };
    },
  );
}

/**
 * `partial`: no pass. Not kept for replay, so a retry with the same Idempotency-Key runs again and
 * finishes what is left (docs/outcomes.md).
 */
function withheld(
  user: { id: string; userPrincipalName: string },
  report: ResetReport,
  headers: Record<string, string>,
  why: PassWithheld,
): ActionOutcome {
  return {
    status: 200,
    body: { user, outcome: 'partial', reset: report, tap: { issued: false, ...why } },
    headers,
    audit: {
      outcome: 'partial',
      graphRequestIds: [...report.graphRequestIds, ...(why.graphRequestId ? [why.graphRequestId] : [])],
      summary: {
        outcome: 'partial',
        reset: resetAuditSummary(report),
        tap: { issued: false, reason: why.reason },
      },
    },
  };
}
