import type { Client } from '@microsoft/microsoft-graph-client';

import { toAppError } from './errors';

/** Invalidates the user's refresh tokens; any 2xx is success (Graph's Boolean is always true). */
export async function revokeSignInSessions(
  graph: Client,
  userPath: string,
  clientRequestId: string,
): Promise<void> {
  try {
    await graph
      .api(`${userPath}/revokeSignInSessions`)
      .header('client-request-id', clientRequestId)
      .post(undefined);
  } catch (error) {
    throw toAppError(error, { write: true });
  }
}
