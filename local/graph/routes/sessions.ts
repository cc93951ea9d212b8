import { GraphErrors } from '../errors';
import { ok } from '../messages';
import { GRAPH_VERSIONS } from '../openapi-spec';
import type { RouteDefinition } from '../router';
import { lookUpUser } from './user-key';

/**
 * POST /users/{user}/revokeSignInSessions (https://learn.microsoft.com/en-us/graph/api/user-revokesigninsessions):
 * resets `signInSessionsValidFromDateTime` to now. Known issue: Graph answers 200 with an
 * always-true Boolean instead of the intended 204
 * (https://learn.microsoft.com/en-us/graph/known-issues#revoke-sign-in-sessions-returns-wrong-http-code).
 */
export const revokeSignInSessions: RouteDefinition = {
  method: 'POST',
  template: '/users/{user-id}/revokeSignInSessions',
  versions: GRAPH_VERSIONS,
  resourceUnits: 1,
  handle(context) {
    const lookup = lookUpUser(context, GraphErrors.directoryObjectNotFound);
    if (!lookup.ok) return lookup.error;
    // Second precision, as the directory stores it (inferred).
    lookup.user.signInSessionsValidFromDateTime = `${new Date().toISOString().slice(0, 19)}Z`;
    return ok({
      '@odata.context': `https://graph.microsoft.com/${context.version}/$metadata#Edm.Boolean`,
      value: true,
    });
  },
};
