import { GraphErrors } from '../errors';
import { ok, queryParameter } from '../messages';
import { GRAPH_VERSIONS } from '../openapi-spec';
import { parseUserSelect, projectUser, userContextUrl } from '../projection/user';
import type { RouteDefinition } from '../router';
import { lookUpUser } from './user-key';

/** GET /users/{id | userPrincipalName} (https://learn.microsoft.com/en-us/graph/api/user-get). */
export const getUser: RouteDefinition = {
  method: 'GET',
  template: '/users/{user-id}',
  versions: GRAPH_VERSIONS,
  resourceUnits: 1,
  handle(context) {
    const lookup = lookUpUser(context, GraphErrors.directoryObjectNotFound);
    if (!lookup.ok) return lookup.error;
    const select = parseUserSelect(queryParameter(context.request, '$select'), context.version);
    if (!select.ok) return select.error;
    return ok({
      '@odata.context': userContextUrl(context.version, select.properties),
      ...projectUser(lookup.user, context.version, select.properties),
    });
  },
};
