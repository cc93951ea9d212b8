import { revokeSignInSessions } from '../graph/sessions';
import type { ActionDeps, ActionRequest, ActionResponse } from './run-action';
import { runAction } from './run-action';

/** POST /users/{user}/sessions/revoke. Revocation can take a few minutes to reach every app. */
export async function revokeUserSessions(deps: ActionDeps, request: ActionRequest): Promise<ActionResponse> {
  return await runAction(deps, request, async (context) => {
    await revokeSignInSessions(context.graph, context.userPath, context.clientRequestId);
    return {
      status: 200,
      body: {
        user: { id: context.target.id, userPrincipalName: context.target.userPrincipalName },
        sessionsRevoked: true,
      },
      audit: { outcome: 'succeeded' },
    };
  });
}
