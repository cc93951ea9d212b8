import { activeRoleRows, eligibleRoleRows, groupEligibilityRows } from '../directory';
import { GraphErrors } from '../errors';
import type { GraphErrorSpec, HandlerResult } from '../messages';
import { ok, queryParameter } from '../messages';
import { type FilterClause, matchesFilter, parseFilter, QueryErrors } from '../odata-query';
import { GRAPH_VERSIONS, graphSpec, type GraphVersion } from '../openapi-spec';
import type { RouteContext, RouteDefinition } from '../router';
import type { TenantData } from '../seed-schema';
import { expandRow, expandShape, type Expansion, parseExpand } from './role-expansion';
import { assignmentInstance, eligibilityInstance } from './role-instances';

/**
 * Directory role assignments and PIM ([doc] each route's rbacapplication-list-… or
 * privilegedaccessgroup-list-… page; role-assignable groups: Entra groups-concept):
 * - GET /roleManagement/directory/roleAssignments: active assignments (unified RBAC; no P2 needed);
 * - GET /roleManagement/directory/roleAssignmentScheduleInstances: active, permanent and activated;
 * - GET /roleManagement/directory/roleEligibilityScheduleInstances: PIM eligibilities;
 * - GET /identityGovernance/privilegedAccess/group/eligibilityScheduleInstances: PIM for Groups
 *   (`$filter` on principalId or groupId required).
 * Rows made to a role-assignable group carry the group's id as principalId; none are made per
 * member. The three PIM lists need P2: without it they answer 400 AadPremiumLicenseRequired, as
 * observed for eligibility instances (maester365/maester#1421; the same for the other two is
 * inferred). No page size is documented for these lists; every row comes in one page.
 */

const error = (status: number, code: string, message: string): GraphErrorSpec => ({
  kind: 'error',
  status,
  code,
  message,
});

/** [obs] maester365/maester#1421, 2026-01-22. */
const licenceRequired = () =>
  error(
    400,
    'AadPremiumLicenseRequired',
    'The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.',
  );

/**
 * The PIM service's 403 for a missing scope: its own JSON as a string in `message`, under the
 * generic code UnknownError ([obs] microsoft-graph-docs-contrib#17, for a write; the read form,
 * listing the read scopes, is inferred).
 */
const scopeNotGranted = (permissions: readonly string[]) =>
  error(
    403,
    'UnknownError',
    JSON.stringify({
      errorCode: 'PermissionScopeNotGranted',
      message: `Authorization failed due to missing permission scope ${permissions.join(',')}.`,
      instanceAnnotations: [],
    }),
  );

/** Wording inferred; the doc says the filter is required. */
const filterRequired = () =>
  error(400, 'BadRequest', 'A $filter on principalId or groupId (eq) is required for this request.');

type Row = Record<string, unknown>;

/** `null` stands for a comparison with null ("and on `null` values" in the resource pages). */
type FilterOperator = 'eq' | 'ne' | 'in' | 'null';

interface ListSpec {
  /** e.g. `roleManagement/directory/roleAssignments`, for the context URL. */
  entitySet: string;
  /** Lower-case property names `$filter` may use, with the operators each resource page lists. */
  filterable: Readonly<Record<string, readonly FilterOperator[]>>;
  /** Whether `id` comes back although `$select` leaves it out (the directory's way; inferred). */
  keepsIdOnSelect: boolean;
  expandable: readonly Expansion[];
  rows(directory: Readonly<TenantData>, version: GraphVersion): Row[];
}

function operatorOf(clause: FilterClause): string {
  if (clause.kind === 'compare') return clause.value === null ? 'null' : clause.operator;
  return clause.kind === 'in' ? 'in' : 'startswith';
}

function listRows(context: RouteContext, spec: ListSpec): HandlerResult {
  const { request, version } = context;
  const directory = context.tenant.view();
  const filterText = queryParameter(request, '$filter');
  let clauses: FilterClause[] = [];
  if (filterText !== null) {
    const parsed = parseFilter(filterText);
    if (!parsed.ok) return QueryErrors.invalidFilter(parsed.message);
    const unsupported = parsed.clauses.find(
      (clause) =>
        !(spec.filterable[clause.property.toLowerCase()] ?? []).some((op) => op === operatorOf(clause)),
    );
    if (unsupported !== undefined) {
      return QueryErrors.invalidFilter(
        `'${unsupported.property}' can't be filtered on with '${operatorOf(unsupported)}' here`,
      );
    }
    clauses = parsed.clauses;
  }
  const expand = parseExpand(queryParameter(request, '$expand') ?? '', spec.expandable);
  if (!expand.ok) return GraphErrors.notImplemented('GET', `…?$expand=${expand.unsupported}`);
  const select = (queryParameter(request, '$select') ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

  const rows = spec
    .rows(directory, version)
    .filter((row) =>
      matchesFilter(clauses, (property) => {
        const key = Object.keys(row).find((name) => name.toLowerCase() === property.toLowerCase());
        return key === undefined ? undefined : row[key];
      }),
    )
    .map((row) => {
      const selected =
        select.length === 0
          ? row
          : Object.fromEntries(
              Object.entries(row).filter(
                ([name]) =>
                  (name === 'id' && spec.keepsIdOnSelect) ||
                  select.some((wanted) => wanted.toLowerCase() === name.toLowerCase()),
              ),
            );
      return expandRow(row, selected, expand.items, directory, version, context.claims);
    });
  // `#set(a,b,principal())`, as Graph writes it for $select and $expand (docs-contrib#21378, the
  // list doc's $expand example).
  const shape = [...select, ...expand.items.map(expandShape)];
  return ok({
    '@odata.context': `https://graph.microsoft.com/${version}/$metadata#${spec.entitySet}${shape.length > 0 ? `(${shape.join(',')})` : ''}`,
    value: rows,
  });
}

/** Keeps the row to the properties the version's schema has (beta's unifiedRoleAssignment adds resourceScope). */
function keepKnown(row: Row, version: GraphVersion, typeName: string): Row {
  const known = graphSpec(version).structuralProperties(typeName);
  return Object.fromEntries(Object.entries(row).filter(([name]) => known.has(name.toLowerCase())));
}

const ROLE_ASSIGNMENTS: ListSpec = {
  entitySet: 'roleManagement/directory/roleAssignments',
  // unifiedRoleAssignment resource: eq and in on these four; `id` is not listed (kept, inferred).
  filterable: {
    id: ['eq'],
    principalid: ['eq', 'in'],
    roledefinitionid: ['eq', 'in'],
    directoryscopeid: ['eq', 'in'],
    appscopeid: ['eq', 'in'],
  },
  keepsIdOnSelect: true,
  expandable: ['principal', 'roleDefinition', 'appScope'],
  rows: (directory, version) =>
    activeRoleRows(directory, new Date()).map((row) =>
      keepKnown(
        {
          id: row.id,
          principalId: row.principalId,
          roleDefinitionId: row.roleDefinitionId,
          directoryScopeId: row.directoryScopeId,
          // The doc's response example also shows resourceScope "/" (beta schema only).
          resourceScope: row.directoryScopeId,
          appScopeId: null,
          condition: null,
          principalOrganizationId: directory.tenant.id,
        },
        version,
        'unifiedRoleAssignment',
      ),
    ),
};

/** unifiedRoleScheduleInstanceBase's filters (both instance resource pages); `in` isn't listed. */
const SCHEDULE_INSTANCE_FILTERS: Readonly<Record<string, readonly FilterOperator[]>> = {
  principalid: ['eq', 'ne'],
  roledefinitionid: ['eq', 'ne'],
  directoryscopeid: ['eq', 'ne', 'null'],
  appscopeid: ['eq', 'ne', 'null'],
  membertype: ['eq', 'ne'],
};

const ASSIGNMENT_INSTANCES: ListSpec = {
  entitySet: 'roleManagement/directory/roleAssignmentScheduleInstances',
  filterable: {
    ...SCHEDULE_INSTANCE_FILTERS,
    assignmenttype: ['eq', 'ne'],
    roleassignmentoriginid: ['eq', 'ne'],
    roleassignmentscheduleid: ['eq', 'ne'],
  },
  keepsIdOnSelect: false,
  expandable: ['principal', 'roleDefinition', 'appScope', 'activatedUsing'],
  rows: (directory) => activeRoleRows(directory, new Date()).map(assignmentInstance),
};

const ELIGIBILITY_INSTANCES: ListSpec = {
  entitySet: 'roleManagement/directory/roleEligibilityScheduleInstances',
  filterable: { ...SCHEDULE_INSTANCE_FILTERS, roleeligibilityscheduleid: ['eq', 'ne'] },
  keepsIdOnSelect: false,
  expandable: ['principal', 'roleDefinition', 'appScope'],
  rows: (directory) => eligibleRoleRows(directory, new Date()).map(eligibilityInstance),
};

const GROUP_ELIGIBILITY_INSTANCES: ListSpec = {
  entitySet: 'identityGovernance/privilegedAccess/group/eligibilityScheduleInstances',
  // privilegedAccessGroupEligibilityScheduleInstance resource.
  filterable: {
    id: ['eq', 'ne'],
    accessid: ['eq'],
    eligibilityscheduleid: ['eq', 'ne'],
    groupid: ['eq'],
    membertype: ['eq'],
    principalid: ['eq'],
  },
  keepsIdOnSelect: false,
  expandable: ['principal', 'group'],
  rows: (directory) =>
    groupEligibilityRows(directory, new Date()).map((row) => ({
      id: row.id,
      accessId: row.accessId,
      eligibilityScheduleId: row.eligibilityScheduleId,
      groupId: row.groupId,
      // The schema's enum member (direct | group); the doc example writes "Direct".
      memberType: 'direct',
      principalId: row.principalId,
      startDateTime: row.startDateTime,
      endDateTime: row.endDateTime,
    })),
};

/**
 * Application permissions per operation (the list pages; microsoftgraph/microsoft-graph-devx-content
 * permissions.json).
 */
const ELIGIBILITY_PERMISSIONS = [
  'RoleEligibilitySchedule.Read.Directory',
  'RoleManagement.Read.Directory',
  'RoleManagement.Read.All',
  'RoleEligibilitySchedule.ReadWrite.Directory',
  'RoleManagement.ReadWrite.Directory',
];
const ASSIGNMENT_SCHEDULE_PERMISSIONS = [
  'RoleAssignmentSchedule.Read.Directory',
  'RoleManagement.Read.Directory',
  'RoleManagement.Read.All',
  'RoleAssignmentSchedule.ReadWrite.Directory',
  'RoleManagement.ReadWrite.Directory',
];
const GROUP_ELIGIBILITY_PERMISSIONS = [
  'PrivilegedEligibilitySchedule.Read.AzureADGroup',
  'PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup',
];

/**
 * A PIM list: the route takes any valid token and checks the scope itself, so a missing one gets
 * PIM's own 403 body; then the licence; then the rows.
 */
function pimList(
  template: string,
  permissions: readonly string[],
  spec: ListSpec,
  requireFilter = false,
): RouteDefinition {
  return {
    method: 'GET',
    template,
    versions: GRAPH_VERSIONS,
    permissions: 'anyValidToken',
    handle(context) {
      const roles = context.claims.roles ?? [];
      if (!permissions.some((permission) => roles.includes(permission))) return scopeNotGranted(permissions);
      if (!context.tenant.view().licences.p2) return licenceRequired();
      if (requireFilter) {
        const parsed = parseFilter(queryParameter(context.request, '$filter') ?? '');
        const keyed =
          parsed.ok &&
          parsed.clauses.some(
            (clause) =>
              clause.kind === 'compare' &&
              clause.operator === 'eq' &&
              ['principalid', 'groupid'].includes(clause.property.toLowerCase()),
          );
        if (!keyed) return filterRequired();
      }
      return listRows(context, spec);
    },
  };
}

/**
 * The list doc's Application row (directory provider); the OpenAPI subset leaves out
 * RoleManagement.Read.All, which the doc lists.
 */
const ROLE_ASSIGNMENT_PERMISSIONS = [
  'RoleManagement.Read.Directory',
  'RoleManagement.Read.All',
  'Directory.Read.All',
  'RoleManagement.ReadWrite.Directory',
  'Directory.ReadWrite.All',
];

export const listRoleAssignments: RouteDefinition = {
  method: 'GET',
  template: '/roleManagement/directory/roleAssignments',
  versions: GRAPH_VERSIONS,
  permissions: ROLE_ASSIGNMENT_PERMISSIONS,
  handle: (context) => listRows(context, ROLE_ASSIGNMENTS),
};

export const listRoleAssignmentScheduleInstances = pimList(
  '/roleManagement/directory/roleAssignmentScheduleInstances',
  ASSIGNMENT_SCHEDULE_PERMISSIONS,
  ASSIGNMENT_INSTANCES,
);

export const listRoleEligibilityScheduleInstances = pimList(
  '/roleManagement/directory/roleEligibilityScheduleInstances',
  ELIGIBILITY_PERMISSIONS,
  ELIGIBILITY_INSTANCES,
);

export const listGroupEligibilityScheduleInstances = pimList(
  '/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances',
  GROUP_ELIGIBILITY_PERMISSIONS,
  GROUP_ELIGIBILITY_INSTANCES,
  true,
);

/** Routes served although Microsoft's OpenAPI subsets don't describe them (shapes: their resource pages). */
export const PIM_ROUTE_TEMPLATES = [
  listRoleAssignmentScheduleInstances.template,
  listRoleEligibilityScheduleInstances.template,
  listGroupEligibilityScheduleInstances.template,
];

export const ROLE_MANAGEMENT_ROUTES: readonly RouteDefinition[] = [
  listRoleAssignments,
  listRoleAssignmentScheduleInstances,
  listRoleEligibilityScheduleInstances,
  listGroupEligibilityScheduleInstances,
];
