import { GraphErrors } from '../errors';
import type { GraphErrorSpec } from '../messages';
import { graphSpec, type GraphVersion } from '../openapi-spec';
import type { UserSeed } from '../seed-schema';

/** What `GET /users/{id}` returns without `$select` (user-get docs), in Graph's order. */
export const DEFAULT_USER_PROPERTIES: readonly string[] = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];

export type SelectResult =
  { ok: true; properties: string[] | undefined } | { ok: false; error: GraphErrorSpec };

/** Resolves `$select` against the version's user schema; names are matched case-insensitively. */
export function parseUserSelect(select: string | null, version: GraphVersion): SelectResult {
  if (select === null || select.trim() === '') return { ok: true, properties: undefined };
  const known = graphSpec(version).structuralProperties('user');
  const properties: string[] = [];
  for (const requested of select
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '')) {
    const property = known.get(requested.toLowerCase());
    if (property === undefined) {
      return { ok: false, error: GraphErrors.unknownProperty(requested, 'Microsoft.DirectoryServices.User') };
    }
    if (!properties.includes(property.name)) properties.push(property.name);
  }
  return { ok: true, properties };
}

/** The user as Graph serializes it: unset properties are null, unset collections empty. */
export function projectUser(
  user: UserSeed,
  version: GraphVersion,
  selected: readonly string[] | undefined,
): Record<string, unknown> {
  const known = graphSpec(version).structuralProperties('user');
  const stored: Record<string, unknown> = { ...user };
  const projected: Record<string, unknown> = {};
  for (const name of selected ?? DEFAULT_USER_PROPERTIES) {
    const empty = known.get(name.toLowerCase())?.isCollection === true ? [] : null;
    projected[name] = stored[name] ?? empty;
  }
  return projected;
}

export function userContextUrl(version: GraphVersion, selected: readonly string[] | undefined): string {
  const set = selected === undefined ? 'users' : `users(${selected.join(',')})`;
  return `https://graph.microsoft.com/${version}/$metadata#${set}/$entity`;
}
