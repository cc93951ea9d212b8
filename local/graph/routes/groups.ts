import { findGroup, transitiveMembersOf } from '../directory';
import { GraphErrors } from '../errors';
import type { HandlerResult } from '../messages';
import { ok, queryParameter } from '../messages';
import {
  countAnnotation,
  countResponse,
  type FilterClause,
  isAdvancedQuery,
  matchesFilter,
  matchesSearch,
  nextLink,
  pageWindow,
  parseFilter,
  parseSearch,
  QueryErrors,
} from '../odata-query';
import { GRAPH_VERSIONS } from '../openapi-spec';
import { parseDirectorySelect, projectGroup, projectMemberUser } from '../projection/directory-object';
import type { RouteContext, RouteDefinition } from '../router';
import type { GroupSeed, UserSeed } from '../seed-schema';
import { isGuid } from '../tenant';

/**
 * Groups, for the lockout scan's protected population:
 * - GET /groups (https://learn.microsoft.com/en-us/graph/api/group-list): `$filter` `eq` on the
 *   properties below without advanced-query parameters (the group resource lists `eq`, `ne`, `not`
 *   for isAssignableToRole; `ne` needs `ConsistencyLevel: eventual` + `$count=true`, as for the
 *   other directory lists), `$select`, `$top` 1–999 (default 100), `@odata.nextLink`. No
 *   `@odata.type` per item (the doc's example has none). `$orderby=displayName` (by default; with
 *   `$filter` an advanced query); `$search` on displayName or description (with
 *   `ConsistencyLevel: eventual`). Other sort and search keys are not simulated.
 * - GET /groups/{id}/transitiveMembers (group-list-transitivemembers): users and groups through
 *   nesting, `@odata.type` per item, `$select`, paging as above (default 100, max 999, inferred
 *   from the other directory relationships); casts, `$filter`, `$search` not simulated. Without a
 *   user read permission users come back as limited objects (type and id).
 * - Both: `@odata.count` with `ConsistencyLevel: eventual` + `$count=true`, and `…/$count` (text/plain,
 *   needs the header) as the aad-advanced-queries doc describes.
 * None of these paths is in the OpenAPI subsets: the permissions are those of the doc pages (application).
 */

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 999;

const FILTERABLE = new Set(['id', 'displayname', 'securityenabled', 'mailenabled', 'isassignabletorole']);

function groupValue(group: GroupSeed, property: string): unknown {
  const values: Record<string, unknown> = {
    id: group.id,
    displayname: group.displayName,
    description: group.description ?? null,
    securityenabled: group.securityEnabled,
    mailenabled: group.mailEnabled,
    isassignabletorole: group.isAssignableToRole ? true : null,
  };
  return values[property.toLowerCase()];
}

function groupFilter(
  context: RouteContext,
  countOnly: boolean,
): { ok: true; clauses: FilterClause[] } | { ok: false; error: HandlerResult } {
  const text = queryParameter(context.request, '$filter');
  if (text === null) return { ok: true, clauses: [] };
  const parsed = parseFilter(text);
  if (!parsed.ok) return { ok: false, error: QueryErrors.invalidFilter(parsed.message) };
  const advanced = isAdvancedQuery(context.request, countOnly);
  for (const clause of parsed.clauses) {
    if (!FILTERABLE.has(clause.property.toLowerCase()))
      return { ok: false, error: QueryErrors.unsupportedFilter(clause.property, 'Group') };
    if (clause.kind === 'compare' && clause.operator === 'ne' && !advanced)
      return { ok: false, error: QueryErrors.advancedQueryRequired(`'ne' on ${clause.property}`) };
  }
  return { ok: true, clauses: parsed.clauses };
}

function unsimulated(
  context: RouteContext,
  template: string,
  options = ['$search', '$orderby', '$expand'],
): HandlerResult | undefined {
  const option = options.find((name) => queryParameter(context.request, name) !== null);
  return option === undefined ? undefined : GraphErrors.notImplemented('GET', `${template}?${option}`);
}

/**
 * `$orderby=displayName [asc|desc]`: works by default on groups, but with `$filter` only as an
 * advanced query (aad-advanced-queries); other sort keys are not simulated.
 */
function groupOrder(
  context: RouteContext,
  countOnly: boolean,
): { ok: true; descending: boolean } | { ok: false; error: HandlerResult } {
  const text = queryParameter(context.request, '$orderby');
  if (text === null) return { ok: true, descending: false };
  const match = /^displayName(?:\s+(asc|desc))?$/i.exec(text.trim());
  if (match === null)
    return { ok: false, error: GraphErrors.notImplemented('GET', `/groups?$orderby=${text}`) };
  if (queryParameter(context.request, '$filter') !== null && !isAdvancedQuery(context.request, countOnly))
    return { ok: false, error: QueryErrors.advancedQueryRequired('$orderby with $filter') };
  return { ok: true, descending: match[1]?.toLowerCase() === 'desc' };
}

const GROUP_READ_PERMISSIONS = [
  'GroupMember.Read.All',
  'Group.Read.All',
  'Directory.Read.All',
  'Group.ReadWrite.All',
  'Directory.ReadWrite.All',
];

function listGroupsOf(context: RouteContext, countOnly: boolean): HandlerResult {
  const { request, version } = context;
  const refused = unsimulated(context, '/groups', ['$expand']);
  if (refused !== undefined) return refused;
  const search = parseSearch(request);
  if (!search.ok) return search.error;
  const term = search.search;
  // group-list: `$search` works on displayName and description.
  if (term !== undefined && !['displayname', 'description'].includes(term.property.toLowerCase()))
    return GraphErrors.notImplemented('GET', `/groups?$search=${term.property}:…`);
  const filter = groupFilter(context, countOnly);
  if (!filter.ok) return filter.error;
  const order = groupOrder(context, countOnly);
  if (!order.ok) return order.error;
  const select = parseDirectorySelect(queryParameter(request, '$select'), version, ['group']);
  if (!select.ok) return select.error;
  const window = pageWindow(request, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  if (!window.ok) return window.error;
  const directory = context.tenant.view();
  const groups = directory.groups.filter(
    (group) =>
      matchesFilter(filter.clauses, (property) => groupValue(group, property)) &&
      (term === undefined || matchesSearch(term, groupValue(group, term.property))),
  );
  if (queryParameter(request, '$orderby') !== null) {
    groups.sort((a, b) => a.displayName.localeCompare(b.displayName));
    if (order.descending) groups.reverse();
  }
  if (countOnly) return countResponse(request, groups.length);
  const options = { version, claims: context.claims, select: select.properties, withType: false };
  const selected = select.properties === undefined ? '' : `(${select.properties.join(',')})`;
  const more = window.offset + window.size < groups.length;
  return ok({
    '@odata.context': `https://graph.microsoft.com/${version}/$metadata#groups${selected}`,
    ...countAnnotation(request, groups.length, window.offset),
    ...(more ? { '@odata.nextLink': nextLink(request, window.offset + window.size) } : {}),
    value: groups
      .slice(window.offset, window.offset + window.size)
      .map((group) => projectGroup(group, directory, options)),
  });
}

export const listGroups: RouteDefinition = {
  method: 'GET',
  template: '/groups',
  versions: GRAPH_VERSIONS,
  permissions: GROUP_READ_PERMISSIONS,
  resourceUnits: 1,
  handle: (context) => listGroupsOf(context, false),
};

export const countGroups: RouteDefinition = {
  method: 'GET',
  template: '/groups/$count',
  versions: GRAPH_VERSIONS,
  permissions: GROUP_READ_PERMISSIONS,
  resourceUnits: 1,
  handle: (context) => listGroupsOf(context, true),
};

const MEMBER_READ_PERMISSIONS = [
  'GroupMember.Read.All',
  'Group.Read.All',
  'GroupMember.ReadWrite.All',
  'Group.ReadWrite.All',
  'Directory.Read.All',
];

function listTransitiveMembers(context: RouteContext, countOnly: boolean): HandlerResult {
  const { request, version } = context;
  const key = context.params['group-id']?.value ?? '';
  // A key that isn't a GUID (a group's name, say) is refused before any look-up.
  if (!isGuid(key)) return GraphErrors.invalidObjectIdentifier(key);
  const directory = context.tenant.view();
  if (findGroup(directory, key) === undefined) return GraphErrors.directoryObjectNotFound(key);
  const refused =
    unsimulated(context, '/groups/{group-id}/transitiveMembers') ??
    (queryParameter(request, '$filter') === null
      ? undefined
      : GraphErrors.notImplemented('GET', '/groups/{group-id}/transitiveMembers?$filter'));
  if (refused !== undefined) return refused;
  const select = parseDirectorySelect(queryParameter(request, '$select'), version, ['user', 'group']);
  if (!select.ok) return select.error;
  const window = pageWindow(request, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  if (!window.ok) return window.error;
  type Member = { group: GroupSeed } | { user: UserSeed };
  const members = transitiveMembersOf(directory, key).flatMap((member): Member[] => {
    if (member.group !== undefined) return [{ group: member.group }];
    const user = directory.users.find((candidate) => candidate.id.toLowerCase() === member.id.toLowerCase());
    return user === undefined ? [] : [{ user }];
  });
  if (countOnly) return countResponse(request, members.length);
  const options = { version, claims: context.claims, select: select.properties, withType: true };
  const selected = select.properties === undefined ? '' : `(${select.properties.join(',')})`;
  const more = window.offset + window.size < members.length;
  return ok({
    '@odata.context': `https://graph.microsoft.com/${version}/$metadata#directoryObjects${selected}`,
    ...countAnnotation(request, members.length, window.offset),
    ...(more ? { '@odata.nextLink': nextLink(request, window.offset + window.size) } : {}),
    value: members
      .slice(window.offset, window.offset + window.size)
      .map((member) =>
        'group' in member
          ? projectGroup(member.group, directory, options)
          : projectMemberUser(member.user, options),
      ),
  });
}

export const listGroupTransitiveMembers: RouteDefinition = {
  method: 'GET',
  template: '/groups/{group-id}/transitiveMembers',
  versions: GRAPH_VERSIONS,
  permissions: MEMBER_READ_PERMISSIONS,
  // Listed at 5 in the throttling-limits table; `/$count` isn't listed (1).
  resourceUnits: 5,
  handle: (context) => listTransitiveMembers(context, false),
};

export const countGroupTransitiveMembers: RouteDefinition = {
  method: 'GET',
  template: '/groups/{group-id}/transitiveMembers/$count',
  versions: GRAPH_VERSIONS,
  permissions: MEMBER_READ_PERMISSIONS,
  resourceUnits: 1,
  handle: (context) => listTransitiveMembers(context, true),
};

export const GROUP_ROUTES: readonly RouteDefinition[] = [
  listGroups,
  countGroups,
  listGroupTransitiveMembers,
  countGroupTransitiveMembers,
];
