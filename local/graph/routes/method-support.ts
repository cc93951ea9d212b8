import { GraphErrors } from '../errors';
import type { GraphErrorSpec } from '../messages';
import { isTargeted } from '../method-rules';
import { odataKey } from '../path';
import { projectMethod } from '../projection/authentication-method';
import type { RouteContext } from '../router';
import type { AuthenticationMethodSeed, UserSeed } from '../seed-schema';
import { lookUpUser } from './user-key';

/**
 * `@odata.context` for something under a user's `authentication`, repeating the user key as the
 * request gave it (inferred from OData's rules, as for the methods list), e.g.
 * `…/$metadata#users('a%40b')/authentication/phoneMethods/$entity`.
 */
export function authenticationContextUrl(context: RouteContext, key: string, suffix: string): string {
  return `https://graph.microsoft.com/${context.version}/$metadata#users(${odataKey(key)})/authentication/${suffix}`;
}

/** A method as Graph returns it to this request (version, TAP policy and its targets). */
export function projectForRequest(
  context: RouteContext,
  user: UserSeed,
  method: AuthenticationMethodSeed,
): Record<string, unknown> {
  const policy = context.tenant.temporaryAccessPassPolicy();
  return projectMethod(method, context.version, policy, {
    inTapPolicyTargets: isTargeted(context.tenant, user, policy),
  });
}

/** The user's method of this type with this id (ids compare case-insensitively). */
function findMethod<T extends AuthenticationMethodSeed['type']>(
  context: RouteContext,
  user: UserSeed,
  type: T,
  id: string,
): Extract<AuthenticationMethodSeed, { type: T }> | undefined {
  return context.tenant
    .methodsOf(user)
    .find(
      (method): method is Extract<AuthenticationMethodSeed, { type: T }> =>
        method.type === type && method.id.toLowerCase() === id.toLowerCase(),
    );
}

/**
 * A method id from the path. OData reads a plain `$…` segment as a system segment, not a key:
 * `…/methods/$count` answers 400 (observed, msgraph-metadata#648; the wording is inferred).
 */
export function methodIdParam(
  context: RouteContext,
  name: string,
): { ok: true; id: string } | { ok: false; error: GraphErrorSpec } {
  const id = param(context, name);
  return context.params[name]?.form === 'segment' && id.startsWith('$')
    ? { ok: false, error: GraphErrors.resourceNotFoundForSegment(id) }
    : { ok: true, id };
}

/** A path parameter's value; the router guarantees it exists for the route's own template. */
export function param(context: RouteContext, name: string): string {
  const value = context.params[name];
  if (value === undefined) throw new Error(`route has no {${name}} parameter`);
  return value.value;
}

export type MethodLookup<T extends AuthenticationMethodSeed['type']> =
  | { ok: true; user: UserSeed; key: string; method: Extract<AuthenticationMethodSeed, { type: T }> }
  | { ok: false; error: GraphErrorSpec };

/** The request's user and their method of this type named by the path's `{idParameter}`. */
export function lookUpMethod<T extends AuthenticationMethodSeed['type']>(
  context: RouteContext,
  type: T,
  idParameter: string,
): MethodLookup<T> {
  const lookup = lookUpUser(context, GraphErrors.authenticationUserNotFound);
  if (!lookup.ok) return lookup;
  const idParam = methodIdParam(context, idParameter);
  if (!idParam.ok) return idParam;
  const method = findMethod(context, lookup.user, type, idParam.id);
  return method === undefined
    ? { ok: false, error: GraphErrors.authenticationMethodNotFound(idParam.id) }
    : { ok: true, user: lookup.user, key: lookup.key, method };
}
