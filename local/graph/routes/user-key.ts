import { GraphErrors } from '../errors';
import type { GraphErrorSpec } from '../messages';
import type { RouteContext } from '../router';
import type { UserSeed } from '../seed-schema';

export type UserLookup = { ok: true; user: UserSeed; key: string } | { ok: false; error: GraphErrorSpec };

/**
 * Resolves `{user-id}`: an object id or a userPrincipalName. In the plain path form a key starting
 * with `$` is read by OData as a system segment and fails with 400 (user-get docs: use
 * `/users('$x@contoso.com')`); the parenthesised form takes any key.
 */
export function lookUpUser(context: RouteContext, notFound: (key: string) => GraphErrorSpec): UserLookup {
  const segment = context.params['user-id'];
  if (segment === undefined) throw new Error('route has no {user-id} parameter');
  if (segment.form === 'segment' && segment.value.startsWith('$')) {
    return { ok: false, error: GraphErrors.invalidObjectIdentifier(segment.value) };
  }
  const user = context.tenant.findUser(segment.value);
  return user === undefined
    ? { ok: false, error: notFound(segment.value) }
    : { ok: true, user, key: segment.value };
}
