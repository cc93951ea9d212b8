import type { Client } from '@microsoft/microsoft-graph-client';

import { setPerUserMfaState } from '../graph/per-user-mfa';
import { userPath } from '../graph/user-path';
import { AppError } from '../http/problem';
import type { Suspension, SuspensionStore } from '../storage/suspensions';

/** Puts a suspended user's per-user MFA state back and closes the suspension. */
export async function restoreSuspension(
  deps: { graph: Client; suspensions: SuspensionStore; now?: () => Date },
  suspension: Suspension,
  clientRequestId: string,
): Promise<Suspension> {
  const now = deps.now ?? (() => new Date());
  try {
    await setPerUserMfaState(
      deps.graph,
      userPath({ kind: 'id', id: suspension.userId }),
      suspension.previousState,
      clientRequestId,
    );
  } catch (error) {
    const appError =
      error instanceof AppError ? error : new AppError('graph_unavailable', 'Restoring per-user MFA failed.');
    await deps.suspensions.update({
      ...suspension,
      restoreAttempts: suspension.restoreAttempts + 1,
      lastError: `${appError.code}${appError.options.graphRequestId ? ` ${appError.options.graphRequestId}` : ''}`,
    });
    throw appError;
  }
  return await deps.suspensions.update({
    ...suspension,
    status: 'restored',
    restoredAt: now().toISOString(),
    restoreAttempts: suspension.restoreAttempts + 1,
  });
}
