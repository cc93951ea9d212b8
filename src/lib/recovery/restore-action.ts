import { AppError } from '../http/problem';
import type { SuspensionStore } from '../storage/suspensions';
import { restoreSuspension } from './restore-mfa';
import type { ActionDeps, ActionRequest, ActionResponse } from './run-action';
import { runAction } from './run-action';

/** DELETE /users/{user}/mfa/suspend: end a suspension now instead of waiting for the timer. */
export async function restoreUserMfaNow(
  deps: ActionDeps & { suspensions: SuspensionStore; now?: () => Date },
  request: ActionRequest,
): Promise<ActionResponse> {
  return await runAction(deps, request, async (context) => {
    const suspension = await deps.suspensions.get(context.target.id);
    if (suspension?.status !== 'active') {
      throw new AppError('suspension_not_found', 'Per-user MFA is not suspended for this user.');
    }
    const restored = await restoreSuspension(
      { ...deps, graph: context.graph },
      suspension,
      context.clientRequestId,
    );
    return {
      status: 200,
      body: {
        user: { id: context.target.id, userPrincipalName: context.target.userPrincipalName },
        perUserMfaState: restored.previousState,
        restoredAt: restored.restoredAt,
      },
      audit: { outcome: 'succeeded', summary: { restoredState: restored.previousState } },
    };
  });
}
