import { activeDirectoryRolesOf, transitiveGroupsOf } from '../directory';
import { GraphErrors } from '../errors';
import type { HandlerResult } from '../messages';
import { queryParameter } from '../messages';
import {
  countResponse,
  type FilterClause,
  hasEventualConsistency,
  isAdvancedQuery,
  listPage,
  matchesFilter,
  matchesSearch,
  pageWindow,
  parseFilter,
  parseSearch,
  QueryErrors,
} from '../odata-query';
import { GRAPH_VERSIONS, graphSpec } from '../openapi-spec';
import {
  type DirectoryObjectType,
  parseDirectorySelect,
  projectDirectoryRole,
  projectGroup,
} from '../projection/directory-object';
import type { RouteContext, RouteDefinition } from '../router';
import type { DirectoryRoleSeed, GroupSeed } from '../seed-schema';
import { lookUpUser } from './user-key';

/**
 * GET /users/{id | userPrincipalName}/transitiveMemberOf, and its OData casts to groups and
 * directory roles (https://learn.microsoft.com/en-us/graph/api/user-list-transitivememberof):
 * groups through nesting, and directory roles held actively and tenant-wide, directly or through a
 * role-assignable group. PIM-eligible roles and eligible group memberships are not memberships.
 * Pages of 100 by default, `$top` up to 999. Casts, `$filter` and `$orderby` are advanced queries:
 * they need `ConsistencyLevel: eventual` and `$count=true`; `$search` needs the header; `$count=true`
 * without the header is ignored; `…/$count` answers the number as text/plain and needs only the
 * header (aad-advanced-queries docs).
 */

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 999;

type Member = { type: 'group'; group: GroupSeed } | { type: 'directoryRole'; role: DirectoryRoleSeed };

/** Properties `$filter` may name here, and where each comes from. */
function filterValue(member: Member, property: string): unknown {
  const name = property.toLowerCase();
  const source: Record<string, unknown> =
    member.type === 'group'
      ? {
          id: member.group.id,
          displayname: member.group.displayName,
          description: member.group.description ?? null,
          securityenabled: member.group.securityEnabled,
          mailenabled: member.group.mailEnabled,
          isassignabletorole: member.group.isAssignableToRole ? true : null,
        }
      : {
          id: member.role.id,
          displayname: member.role.displayName,
          description: member.role.description ?? null,
          roletemplateid: member.role.roleTemplateId,
        };
  return source[name];
}

const FILTERABLE = new Set([
  'id',
  'displayname',
  'description',
  'securityenabled',
  'mailenabled',
  'isassignabletorole',
  'roletemplateid',
]);

function checkFilter(clauses: readonly FilterClause[]): HandlerResult | undefined {
  const unsupported = clauses.find((clause) => !FILTERABLE.has(clause.property.toLowerCase()));
  return unsupported === undefined
    ? undefined
    : QueryErrors.unsupportedFilter(unsupported.property, 'DirectoryObject');
}

function listMemberships(
  context: RouteContext,
  cast: DirectoryObjectType | undefined,
  countOnly = false,
): HandlerResult {
  const lookup = lookUpUser(context, GraphErrors.directoryObjectNotFound);
  if (!lookup.ok) return lookup.error;
  const { request, version } = context;
  if (countOnly && !hasEventualConsistency(request)) return QueryErrors.countNotSupported();
  const advanced = isAdvancedQuery(request, countOnly);
  if (cast !== undefined && !advanced)
    return QueryErrors.advancedQueryRequired(`OData cast to microsoft.graph.${cast}`);

  const filterText = queryParameter(request, '$filter');
  let clauses: FilterClause[] = [];
  if (filterText !== null) {
    if (!advanced) return QueryErrors.advancedQueryRequired('$filter on transitiveMemberOf');
    const parsed = parseFilter(filterText);
    if (!parsed.ok) return QueryErrors.invalidFilter(parsed.message);
    const problem = checkFilter(parsed.clauses);
    if (problem !== undefined) return problem;
    clauses = parsed.clauses;
  }
  const search = parseSearch(request);
  if (!search.ok) return search.error;
  const orderBy = queryParameter(request, '$orderby');
  if (orderBy !== null) {
    if (!advanced) return QueryErrors.advancedQueryRequired('$orderby on transitiveMemberOf');
    if (!/^displayName( (asc|desc))?$/i.test(orderBy.trim())) {
      return QueryErrors.unsupportedFilter(orderBy.split(' ')[0] ?? orderBy, 'DirectoryObject');
    }
  }
  const types: DirectoryObjectType[] = cast === undefined ? ['group', 'directoryRole'] : [cast];
  const select = parseDirectorySelect(queryParameter(request, '$select'), version, types);
  if (!select.ok) return select.error;
  const window = pageWindow(request, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  if (!window.ok) return window.error;

  const directory = context.tenant.view();
  const now = new Date();
  const groups = transitiveGroupsOf(directory, lookup.user.id);
  let members: Member[] = [
    ...groups.map((group): Member => ({ type: 'group', group })),
    ...activeDirectoryRolesOf(directory, lookup.user.id, groups, now).map((role): Member => ({
      type: 'directoryRole',
      role,
    })),
  ].filter((member) => cast === undefined || member.type === cast);
  members = members.filter((member) => matchesFilter(clauses, (property) => filterValue(member, property)));
  const term = search.search;
  if (term !== undefined)
    members = members.filter((member) => matchesSearch(term, filterValue(member, term.property)));
  if (orderBy !== null) {
    const name = (member: Member) => String(filterValue(member, 'displayName'));
    members.sort((a, b) => name(a).localeCompare(name(b)));
    if (/desc$/i.test(orderBy.trim())) members.reverse();
  }
  if (countOnly) return countResponse(request, members.length);

  const options = {
    version,
    claims: context.claims,
    select: select.properties,
    withType: cast === undefined,
  };
  const set = cast === undefined ? 'directoryObjects' : cast === 'group' ? 'groups' : 'directoryRoles';
  return listPage(request, { version, set, select: select.properties, window }, members, (member) =>
    member.type === 'group'
      ? projectGroup(member.group, directory, options)
      : projectDirectoryRole(member.role, options),
  );
}

/**
 * The casts and `/$count` have no permissions of their own in Microsoft's permission data; they
 * take those of the uncast path (inferred: they narrow or count the same relationship).
 */
const castPermissions = graphSpec('v1.0').applicationPermissions(
  'GET',
  '/users/{user-id}/transitiveMemberOf',
);

/** A cast or `/$count` of the uncast path: its permissions, and 1 resource unit (not listed). */
const derivedRoute = (suffix: string, handle: RouteDefinition['handle']): RouteDefinition => ({
  method: 'GET',
  template: `/users/{user-id}/transitiveMemberOf${suffix}`,
  versions: GRAPH_VERSIONS,
  ...(castPermissions === undefined ? {} : { permissions: castPermissions }),
  resourceUnits: 1,
  handle,
});

export const TRANSITIVE_MEMBER_OF_ROUTES: readonly RouteDefinition[] = [
  {
    method: 'GET',
    template: '/users/{user-id}/transitiveMemberOf',
    versions: GRAPH_VERSIONS,
    // The throttling-limits table lists `me/transitiveMemberOf` (2); casts and `/$count` aren't listed (1).
    resourceUnits: 2,
    handle: (context) => listMemberships(context, undefined),
  },
  derivedRoute('/microsoft.graph.group', (context) => listMemberships(context, 'group')),
  derivedRoute('/microsoft.graph.directoryRole', (context) => listMemberships(context, 'directoryRole')),
  derivedRoute('/$count', (context) => listMemberships(context, undefined, true)),
  derivedRoute('/microsoft.graph.group/$count', (context) => listMemberships(context, 'group', true)),
];
