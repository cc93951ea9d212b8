import type { ActiveRoleRow, EligibleRoleRow } from '../directory';

/**
 * The properties the two PIM schedule instance resources share
 * (resources/unifiedroleeligibilityscheduleinstance, resources/unifiedroleassignmentscheduleinstance).
 */
function scheduleInstance(row: ActiveRoleRow | EligibleRoleRow): Record<string, unknown> {
  return {
    id: row.id,
    principalId: row.principalId,
    roleDefinitionId: row.roleDefinitionId,
    directoryScopeId: row.directoryScopeId,
    appScopeId: null,
    startDateTime: row.startDateTime,
    endDateTime: row.endDateTime,
  };
}

/** A unifiedRoleAssignmentScheduleInstance: PascalCase memberType/assignmentType strings. */
export function assignmentInstance(row: ActiveRoleRow): Record<string, unknown> {
  return {
    ...scheduleInstance(row),
    assignmentType: row.assignmentType,
    memberType: 'Direct',
    roleAssignmentOriginId: row.id,
    roleAssignmentScheduleId: row.roleAssignmentScheduleId,
  };
}

/** A unifiedRoleEligibilityScheduleInstance as the eligibility list shows it. */
export function eligibilityInstance(row: EligibleRoleRow): Record<string, unknown> {
  return {
    ...scheduleInstance(row),
    memberType: 'Direct',
    roleEligibilityScheduleId: row.roleEligibilityScheduleId,
  };
}
