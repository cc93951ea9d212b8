import { findGroup, transitiveMembersOf } from '../directory';
import { GraphErrors } from '../errors';
import type { HandlerResult } from '../messages';
import { queryParameter } from '../messages';
import { countResponse, isAdvancedQuery, listPage, pageWindow, QueryErrors } from '../odata-query';
import { GRAPH_VERSIONS } from '../openapi-spec';
import { parseDirectorySelect, projectGroup, projectMemberUser } from '../projection/directory-object';
import type { RouteContext, RouteDefinition } from '../router';
import type { GroupSeed, UserSeed } from '../seed-schema';
import { isGuid } from '../tenant';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, unsimulated } from './groups';

/**
 * GET /groups/{id}/transitiveMembers (https://learn.microsoft.com/en-us/graph/api/group-list-transitivemembers):
 * users and groups through nesting, `@odata.type` per item, `$select`, paging as for /groups;
 * `@odata.count` and `/$count` as there. The casts to users or groups are advanced queries
 * (`ConsistencyLevel: eventual` + `$count=true`, else 400) and leave `@odata.type` out, as the
 * doc's examples show. `$filter`, `$search` and `$orderby` are not simulated. Without a user read
 * permission users come back as limited objects (type and id). Not in the OpenAPI subsets: the
 * permissions are the doc page's (application); the casts take the same (inferred).
 */

type Cast = 'user' | 'group';
type Member = { group: GroupSeed } | { user: UserSeed };

const MEMBER_READ_PERMISSIONS = [
  'GroupMember.Read.All',
  'Group.Read.All',
  'GroupMember.ReadWrite.All',
  'Group.ReadWrite.All',
  'Directory.Read.All',
];

function listTransitiveMembers(
  context: RouteContext,
  countOnly: boolean,
  cast: Cast | undefined = undefined,
): HandlerResult {
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
  if (cast !== undefined && !isAdvancedQuery(request, countOnly))
    return QueryErrors.advancedQueryRequired(`OData cast to microsoft.graph.${cast}`);
  const types: Cast[] = cast === undefined ? ['user', 'group'] : [cast];
  const select = parseDirectorySelect(queryParameter(request, '$select'), version, types);
  if (!select.ok) return select.error;
  const window = pageWindow(request, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  if (!window.ok) return window.error;
  const members = transitiveMembersOf(directory, key).flatMap((member): Member[] => {
    if (member.group !== undefined) return cast === 'user' ? [] : [{ group: member.group }];
    const user = directory.users.find((candidate) => candidate.id.toLowerCase() === member.id.toLowerCase());
    return user === undefined || cast === 'group' ? [] : [{ user }];
  });
  if (countOnly) return countResponse(request, members.length);
  const options = {
    version,
    claims: context.claims,
    select: select.properties,
    withType: cast === undefined,
  };
  const set = cast === undefined ? 'directoryObjects' : `${cast}s`;
  return listPage(request, { version, set, select: select.properties, window }, members, (member) =>
    'group' in member
      ? projectGroup(member.group, directory, options)
      : projectMemberUser(member.user, options),
  );
}

export const listGroupTransitiveMembers: RouteDefinition = {
  method: 'GET',
  template: '/groups/{group-id}/transitiveMembers',
  versions: GRAPH_VERSIONS,
  permissions: MEMBER_READ_PERMISSIONS,
  // Listed at 5 in the throttling-limits table; `/$count` and the casts aren't listed (1).
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

const castRoute = (cast: Cast): RouteDefinition => ({
  method: 'GET',
  template: `/groups/{group-id}/transitiveMembers/microsoft.graph.${cast}`,
  versions: GRAPH_VERSIONS,
  permissions: MEMBER_READ_PERMISSIONS,
  resourceUnits: 1,
  handle: (context) => listTransitiveMembers(context, false, cast),
});

export const GROUP_MEMBER_ROUTES: readonly RouteDefinition[] = [
  listGroupTransitiveMembers,
  countGroupTransitiveMembers,
  castRoute('user'),
  castRoute('group'),
];
