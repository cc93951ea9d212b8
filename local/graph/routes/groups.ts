import { GraphErrors } from '../errors';
import type { HandlerResult } from '../messages';
import { queryParameter } from '../messages';
import {
  countResponse,
  type FilterClause,
  isAdvancedQuery,
  listPage,
  matchesFilter,
  matchesSearch,
  pageWindow,
  parseFilter,
  parseSearch,
  QueryErrors,
} from '../odata-query';
import { GRAPH_VERSIONS } from '../openapi-spec';
import { parseDirectorySelect, projectGroup } from '../projection/directory-object';
import type { RouteContext, RouteDefinition } from '../router';
import type { GroupSeed } from '../seed-schema';

/**
 * GET /groups (https://learn.microsoft.com/en-us/graph/api/group-list), for the lockout scan's
 * protected population: `$filter` `eq` on the properties below without advanced-query parameters
 * (the group resource lists `eq`, `ne`, `not` for isAssignableToRole; `ne` needs
 * `ConsistencyLevel: eventual` + `$count=true`, as for the other directory lists), `$select`,
 * `$top` 1–999 (default 100; `$skip` isn't supported), `@odata.nextLink`, `@odata.count` with the
 * advanced-query parameters and `/groups/$count` (text/plain, needs the header). No `@odata.type`
 * per item (the doc's example has none). `$orderby=displayName` (by default; with `$filter` an
 * advanced query); `$search` on displayName or description (with `ConsistencyLevel: eventual`).
 * Other sort and search keys are not simulated. Not in the OpenAPI subsets: the permissions are
 * the doc page's (application).
 */

/** Page sizes of the directory's group lists (group-list; transitiveMembers inferred alike). */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 999;

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

export function unsimulated(
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
  return listPage(request, { version, set: 'groups', select: select.properties, window }, groups, (group) =>
    projectGroup(group, directory, options),
  );
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

export const GROUP_ROUTES: readonly RouteDefinition[] = [listGroups, countGroups];
