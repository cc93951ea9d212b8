import type { UserReference } from '../http/user-reference';

/**
 * The Graph path of a user. UPNs are percent-encoded (a guest's `#EXT#` must reach Graph as
 * `%23EXT%23`); one starting with `$` uses the `users('…')` key form, since OData reserves a
 * leading `$` in a path segment.
 */
export function userPath(user: UserReference): string {
  if (user.kind === 'id') return `/users/${user.id}`;
  const encoded = encodeURIComponent(user.upn).replace(/%40/g, '@');
  return user.upn.startsWith('$') ? `/users('${encoded.replace(/'/g, "''")}')` : `/users/${encoded}`;
}
