import { GraphErrors } from '../errors';
import { ok } from '../messages';
import { GRAPH_VERSIONS } from '../openapi-spec';
import { isListedIn } from '../projection/authentication-method';
import type { RouteDefinition } from '../router';
import { authenticationContextUrl, methodIdParam, projectForRequest } from './method-support';
import { lookUpUser } from './user-key';

/**
 * GET /users/{id | userPrincipalName}/authentication/methods: every registered method the version
 * knows, each with its `@odata.type` (https://learn.microsoft.com/en-us/graph/api/authentication-list-methods).
 */
export const listAuthenticationMethods: RouteDefinition = {
  method: 'GET',
  template: '/users/{user-id}/authentication/methods',
  versions: GRAPH_VERSIONS,
  handle(context) {
    const lookup = lookUpUser(context, GraphErrors.authenticationUserNotFound);
    if (!lookup.ok) return lookup.error;
    const value = context.tenant
      .methodsOf(lookup.user)
      .filter((method) => isListedIn(method.type, context.version))
      .map((method) => projectForRequest(context, lookup.user, method));
    return ok({
      '@odata.context': authenticationContextUrl(context, lookup.key, 'methods'),
      value,
    });
  },
};

/**
 * GET /users/{id | userPrincipalName}/authentication/methods/{id}: one method of any type the
 * version lists (https://learn.microsoft.com/en-us/graph/api/authenticationmethod-get); an id the
 * user doesn't have is 404 `itemNotFound`, as for the per-type gets.
 */
export const getAuthenticationMethod: RouteDefinition = {
  method: 'GET',
  template: '/users/{user-id}/authentication/methods/{authenticationMethod-id}',
  versions: GRAPH_VERSIONS,
  handle(context) {
    const lookup = lookUpUser(context, GraphErrors.authenticationUserNotFound);
    if (!lookup.ok) return lookup.error;
    const idParam = methodIdParam(context, 'authenticationMethod-id');
    if (!idParam.ok) return idParam.error;
    const { id } = idParam;
    const method = context.tenant
      .methodsOf(lookup.user)
      .find(
        (candidate) =>
          candidate.id.toLowerCase() === id.toLowerCase() && isListedIn(candidate.type, context.version),
      );
    if (method === undefined) return GraphErrors.authenticationMethodNotFound(id);
    return ok({
      '@odata.context': authenticationContextUrl(context, lookup.key, 'methods/$entity'),
      ...projectForRequest(context, lookup.user, method),
    });
  },
};
