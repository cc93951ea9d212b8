import { z } from 'zod';

import { GUID } from '../guid';

/**
 * The Graph reads behind the protected-account check (docs/threat-model.md, "Protected and
 * break-glass targets"; docs/graph-calls.md lists the calls): a user's transitive memberships, and
 * per principal (the user, or a group that may give it a role) its role eligibilities, active role
 * instances, role assignments and PIM for Groups eligibilities, as JSON batch steps; and their
 * answers' shapes.
 */

/**
 * `$filter={property} eq '…'`, encoded (spaces and quotes too; inferred safe in batch step urls)
 * from a GUID only.
 */
function idFilter(property: 'principalId' | 'roleDefinitionId' | 'groupId', id: string): string {
  if (!GUID.test(id)) throw new TypeError(`a ${property} filter takes an object id`);
  return `$filter=${encodeURIComponent(`${property} eq '${id.toLowerCase()}'`).replaceAll("'", '%27')}`;
}
const principalFilter = (principalId: string) => idFilter('principalId', principalId);
const roleFilter = (roleDefinitionId: string) => idFilter('roleDefinitionId', roleDefinitionId);

export const ROLE_LOOKUP_URLS = {
  /**
   * No cast, `$filter` or `$count`: those are advanced queries needing `ConsistencyLevel: eventual`
   * (an eventually consistent index); the plain list is not. 999 is the largest page.
   */
  memberships: (userPath: string) => `${userPath}/transitiveMemberOf?$top=999`,
  eligibilities: (principalId: string) =>
    `/roleManagement/directory/roleEligibilityScheduleInstances?${principalFilter(principalId)}`,
  activeInstances: (principalId: string) =>
    `/roleManagement/directory/roleAssignmentScheduleInstances?${principalFilter(principalId)}`,
  assignments: (principalId: string) =>
    `/roleManagement/directory/roleAssignments?${principalFilter(principalId)}`,
  groupEligibilities: (principalId: string) =>
    `/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?${principalFilter(principalId)}`,
} as const;

/**
 * The tenant-wide reads behind the lockout scan's protected population (protected-population.ts):
 * every holder of one role template, every PIM for Groups eligibility for one group, the
 * role-assignable groups, a group's members. No cast, `$count` or `$search`; `$filter` only where
 * the docs allow it without `ConsistencyLevel`: `eq` on roleDefinitionId and groupId (the lists'
 * pages in docs/graph-calls.md),
 * and on the group's isAssignableToRole (group resource: `eq`, `ne`, `not`; Microsoft's "list role
 * assignments for a user" article sends `/groups?$filter=isAssignableToRole eq true` as is). 999
 * is the directory's largest page (group-list).
 */
export const POPULATION_URLS = {
  eligibilitiesOfRole: (templateId: string) =>
    `/roleManagement/directory/roleEligibilityScheduleInstances?${roleFilter(templateId)}`,
  activeInstancesOfRole: (templateId: string) =>
    `/roleManagement/directory/roleAssignmentScheduleInstances?${roleFilter(templateId)}`,
  assignmentsOfRole: (templateId: string) =>
    `/roleManagement/directory/roleAssignments?${roleFilter(templateId)}`,
  eligibilitiesForGroup: (groupId: string) =>
    `/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?${idFilter('groupId', groupId)}`,
  roleAssignableGroups: () => '/groups?$filter=isAssignableToRole%20eq%20true&$select=id&$top=999',
  transitiveMembers: (groupId: string) => {
    if (!GUID.test(groupId)) throw new TypeError('a group path takes an object id');
    return `/groups/${groupId.toLowerCase()}/transitiveMembers?$select=id&$top=999`;
  },
} as const;

const optionalText = z.string().nullable().optional();

/** A directory object in a list where only its id matters (`$select=id`). */
export const ObjectIdSchema = z.looseObject({ id: z.string() });

export const RoleRowSchema = z.looseObject({
  principalId: optionalText,
  roleDefinitionId: z.string(),
  directoryScopeId: optionalText,
  startDateTime: optionalText,
  endDateTime: optionalText,
});

export const GroupEligibilityRowSchema = z.looseObject({
  groupId: z.string(),
  principalId: optionalText,
  accessId: z.string(),
  endDateTime: optionalText,
});

/** A transitiveMemberOf item; the properties stay optional so that limited objects can be recognized. */
export const DirectoryObjectSchema = z.looseObject({
  '@odata.type': z.string(),
  id: z.string(),
  displayName: optionalText,
  isAssignableToRole: z.boolean().nullable().optional(),
  roleTemplateId: optionalText,
});
