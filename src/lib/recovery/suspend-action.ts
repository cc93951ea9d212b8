import type { z } from 'zod';

import { getPerUserMfaState, setPerUserMfaState } from '../graph/per-user-mfa';
import { AppError } from '../http/problem';
import type { Suspension, SuspensionStore } from '../storage/suspensions';
import type { SuspendMfaSchema } from './action-schemas';
import type { ActionDeps, ActionRequest, ActionResponse } from './run-action';
import { runAction } from './run-action';

export type SuspendMfaInput = z.output<typeof SuspendMfaSchema>;

const ALREADY_DISABLED =
  'Per-user MFA was already disabled for this user; Conditional Access policies that require MFA still apply.';

/** Checked before the guard: the bound is configuration, and the caller can fix the request. */
export function assertWithinBound(minutes: number, maxMinutes: number): void {
  if (minutes > maxMinutes) {
    const message = `must be at most ${maxMinutes} (MFA_SUSPEND_MAX_MINUTES)`;
    throw new AppError('invalid_request', `minutes ${message}.`, {
      errors: [{ path: 'body.minutes', message }],
    });
  }
}

/**
 * POST /users/{user}/mfa/suspend: a last resort. The previous per-user MFA state is stored before
 * it is changed, so the restore timer can always put it back; a second suspend only extends the
 * first, never past the bound counted from the original start, and never overwrites the stored state.
 */
export async function suspendUserMfa(
  deps: ActionDeps & { suspensions: SuspensionStore; now?: () => Date },
  request: ActionRequest & { input: SuspendMfaInput },
): Promise<ActionResponse> {
  const maxMinutes = deps.config.actions.maxSuspendMinutes;
  assertWithinBound(request.input.minutes, maxMinutes);
  const now = deps.now ?? (() => new Date());
  return await runAction(deps, request, async (context) => {
    const user = { id: context.target.id, userPrincipalName: context.target.userPrincipalName };
    const existing = await deps.suspensions.get(context.target.id);
    if (existing?.status === 'active') {
      const bound = new Date(existing.suspendedAt).getTime() + maxMinutes * 60_000;
      const endsAt = new Date(
        Math.min(now().getTime() + request.input.minutes * 60_000, bound),
      ).toISOString();
      const extended = await deps.suspensions.update({
        ...existing,
        endsAt: endsAt > existing.endsAt ? endsAt : existing.endsAt,
      });
      return response(200, user, extended, true);
    }
    const previousState = await getPerUserMfaState(context.graph, context.userPath, context.clientRequestId);
    const started = now();
    const suspension = await deps.suspensions.create({
      userId: context.target.id,
      userPrincipalName: context.target.userPrincipalName,
      previousState,
      suspendedAt: started.toISOString(),
      endsAt: new Date(started.getTime() + request.input.minutes * 60_000).toISOString(),
      ticket: request.input.ticket,
      correlationId: request.correlationId,
      status: 'active',
      restoreAttempts: 0,
    });
    try {
      await setPerUserMfaState(context.graph, context.userPath, 'disabled', context.clientRequestId);
    } catch (error) {
      // Nothing changed in the tenant: close the row so the timer has nothing to undo.
      await deps.suspensions.update({ ...suspension, status: 'restored', restoredAt: now().toISOString() });
      throw error;
    }
    return response(201, user, suspension, false);
  });
}

function response(
  status: number,
  user: { id: string; userPrincipalName: string },
  suspension: Suspension,
  extended: boolean,
) {
  const warnings = suspension.previousState === 'disabled' ? [ALREADY_DISABLED] : [];
  return {
    status,
    body: {
      user,
      perUserMfaState: 'disabled',
      previousState: suspension.previousState,
      suspendedAt: suspension.suspendedAt,
      endsAt: suspension.endsAt,
      extended,
      warnings,
    },
    audit: {
      outcome: 'succeeded' as const,
      summary: { previousState: suspension.previousState, endsAt: suspension.endsAt, extended },
    },
  };
}
