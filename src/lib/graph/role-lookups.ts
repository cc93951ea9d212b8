import { type Client, ResponseType } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';

import { checked, type RoundTrip } from './batch';

/**
 * The Graph reads behind the protected-account check (shared/graph/pim-and-registration-reports.md
 * §1.9): a user's transitive memberships, and per principal (the user, or a group that may give it
 * a role) its role eligibilities, active role instances, role assignments and PIM for Groups
 * eligibilities, as JSON batch steps; their answers' shapes; and the round trip itself.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `$filter=principalId eq '…'`, encoded (spaces and quotes too, §1.9) from a GUID only. */
function principalFilter(principalId: string): string {
  if (!GUID.test(principalId)) throw new TypeError('a principal filter takes an object id');
  return `$filter=${encodeURIComponent(`principalId eq '${principalId.toLowerCase()}'`).replaceAll("'", '%27')}`;
}

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

const optionalText = z.string().nullable().optional();

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

export const PageSchema = z.looseObject({
  value: z.array(z.unknown()),
  '@odata.nextLink': z.string().nullable().optional(),
});

/** One GET of an absolute URL Graph gave (`@odata.nextLink`); the caller has checked its origin. */
export async function getPage(
  graph: Client,
  url: string,
  clientRequestId: string,
): Promise<RoundTrip<unknown>> {
  const response = (await graph
    .api(url)
    .header('client-request-id', clientRequestId)
    .responseType(ResponseType.RAW)
    .get()) as Response;
  return await checked(response, 'A page of results');
}
