import { createHash } from 'node:crypto';

import type {
  DirectoryRoleSeed,
  GroupEligibilitySeed,
  GroupSeed,
  RoleAssignmentSeed,
  RoleEligibilitySeed,
  TenantData,
} from './seed-schema';

/**
 * What the directory derives from the seed for group, role and PIM reads: transitive memberships,
 * active role assignments and eligibilities. Group-held rows carry the group's id as principalId
 * (rbacapplication-list-transitiveroleassignments docs); no per-member rows are synthesized
 * (inferred: the docs show none).
 */

type Directory = Readonly<TenantData>;

interface Schedule {
  startDateTime: string | null;
  endDateTime: string | null;
}

/**
 * Schedule instances list what "currently stands" (rbacapplication-list-roleeligibilityscheduleinstances
 * docs), so a row shows while start ≤ now < end (null = open); that ended and future rows are left
 * out is inferred.
 */
export function inForce(schedule: Schedule, now: Date): boolean {
  const time = now.getTime();
  const started = schedule.startDateTime === null || Date.parse(schedule.startDateTime) <= time;
  const ended = schedule.endDateTime !== null && Date.parse(schedule.endDateTime) <= time;
  return started && !ended;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Groups `objectId` belongs to directly or through nested groups, nearest first, each once. */
export function transitiveGroupsOf(directory: Directory, objectId: string): GroupSeed[] {
  const found: GroupSeed[] = [];
  const seen = new Set<string>();
  let frontier = new Set([objectId.toLowerCase()]);
  while (frontier.size > 0) {
    const next = new Set<string>();
    for (const group of directory.groups) {
      const id = group.id.toLowerCase();
      if (seen.has(id) || !group.memberIds.some((member) => frontier.has(member.toLowerCase()))) continue;
      seen.add(id);
      found.push(group);
      next.add(id);
    }
    frontier = next;
  }
  return found;
}

/**
 * Members of a group directly or through nested groups (users and groups), each once, nearest
 * first ([doc] group-list-transitivemembers: "a flat list of all nested members").
 */
export function transitiveMembersOf(
  directory: Directory,
  groupId: string,
): { id: string; group?: GroupSeed }[] {
  const found: { id: string; group?: GroupSeed }[] = [];
  const seen = new Set<string>();
  let frontier = [findGroup(directory, groupId)].filter((group) => group !== undefined);
  while (frontier.length > 0) {
    const next: GroupSeed[] = [];
    for (const memberId of frontier.flatMap((group) => group.memberIds)) {
      const id = memberId.toLowerCase();
      if (seen.has(id)) continue;
      seen.add(id);
      const group = findGroup(directory, id);
      found.push(group === undefined ? { id: memberId } : { id: memberId, group });
      if (group !== undefined) next.push(group);
    }
    frontier = next;
  }
  return found;
}

/**
 * Activated directory roles the user holds actively and tenant-wide, directly or through a
 * role-assignable group (inferred: `transitiveMemberOf` lists roles that come through groups;
 * administrative-unit-scoped assignments are not role memberships).
 */
export function activeDirectoryRolesOf(
  directory: Directory,
  userId: string,
  groups: readonly GroupSeed[],
  now: Date,
): DirectoryRoleSeed[] {
  const principals = new Set([userId.toLowerCase(), ...groups.map((group) => group.id.toLowerCase())]);
  const scheduled = new Set(
    directory.roleAssignments
      .filter(
        (row) =>
          row.directoryScopeId === '/' && principals.has(row.principalId.toLowerCase()) && inForce(row, now),
      )
      .map((row) => row.roleDefinitionId.toLowerCase()),
  );
  return directory.directoryRoles.filter(
    (role) =>
      role.memberIds.some((member) => principals.has(member.toLowerCase())) ||
      scheduled.has(role.roleTemplateId.toLowerCase()),
  );
}

/** Graph's GUID byte order (the first three fields little-endian), as in unifiedRoleAssignment ids. */
function guidBytes(guid: string): Buffer {
  const hex = guid.replaceAll('-', '');
  const bytes = Buffer.from(hex, 'hex');
  const swap = (start: number, length: number) => bytes.subarray(start, start + length).reverse();
  swap(0, 4);
  swap(4, 2);
  swap(6, 2);
  return bytes;
}

/**
 * A unifiedRoleAssignment id as Graph builds it: base64url of role definition id and principal id,
 * then `-1` (decoding the documented example `lAPpYvVpN0KRkAEhdxReEMmO4KwRqtpKkUWt3wOYIz4-1` gives
 * the Global Administrator template id first; the principal half is inferred).
 */
export function roleAssignmentKey(roleDefinitionId: string, principalId: string): string {
  return Buffer.concat([guidBytes(roleDefinitionId), guidBytes(principalId)]).toString('base64url');
}

/** A GUID derived from its inputs, so repeated reads of one row give one id. */
export function stableGuid(...parts: (string | number)[]): string {
  const hex = createHash('sha256').update(parts.join('|')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface ActiveRoleRow {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  startDateTime: string | null;
  endDateTime: string | null;
  assignmentType: RoleAssignmentSeed['assignmentType'];
  roleAssignmentScheduleId: string;
}

/** Every active assignment in force: permanent tenant-wide ones (directoryRoles) and the scheduled ones. */
export function activeRoleRows(directory: Directory, now: Date): ActiveRoleRow[] {
  const permanent = directory.directoryRoles.flatMap((role) =>
    role.memberIds.map((principalId): ActiveRoleRow => {
      // A permanent direct assignment: id, origin id and schedule id are all the assignment's id
      // (rbacapplication-list-roleassignmentscheduleinstances example).
      const id = `${roleAssignmentKey(role.roleTemplateId, principalId)}-1`;
      return {
        id,
        principalId,
        roleDefinitionId: role.roleTemplateId,
        directoryScopeId: '/',
        startDateTime: null,
        endDateTime: null,
        assignmentType: 'Assigned',
        roleAssignmentScheduleId: id,
      };
    }),
  );
  const scheduled = directory.roleAssignments.flatMap((row, i): ActiveRoleRow[] =>
    inForce(row, now)
      ? [
          {
            id: `${roleAssignmentKey(row.roleDefinitionId, row.principalId)}-${i + 2}`,
            principalId: row.principalId,
            roleDefinitionId: row.roleDefinitionId,
            directoryScopeId: row.directoryScopeId,
            startDateTime: row.startDateTime,
            endDateTime: row.endDateTime,
            assignmentType: row.assignmentType,
            roleAssignmentScheduleId: stableGuid('roleAssignmentSchedule', i, row.principalId),
          },
        ]
      : [],
  );
  return [...permanent, ...scheduled];
}

export interface EligibleRoleRow extends RoleEligibilitySeed {
  id: string;
  roleEligibilityScheduleId: string;
}

export function eligibleRoleRows(directory: Directory, now: Date): EligibleRoleRow[] {
  return directory.roleEligibilities.flatMap((row, i): EligibleRoleRow[] =>
    inForce(row, now)
      ? [
          {
            ...row,
            // Eligibility instance ids end in -1-e, -2-e (rbacapplication-list-roleeligibilityscheduleinstances).
            id: `${roleAssignmentKey(row.roleDefinitionId, row.principalId)}-${i + 1}-e`,
            roleEligibilityScheduleId: stableGuid('roleEligibilitySchedule', i, row.principalId),
          },
        ]
      : [],
  );
}

export interface GroupEligibilityRow extends GroupEligibilitySeed {
  id: string;
  eligibilityScheduleId: string;
}

export function groupEligibilityRows(directory: Directory, now: Date): GroupEligibilityRow[] {
  return directory.groupEligibilities.flatMap((row, i): GroupEligibilityRow[] =>
    inForce(row, now)
      ? [
          {
            ...row,
            // Ids look like {groupId}_member_{principalId} (privilegedaccessgroup-list-eligibilityscheduleinstances).
            id: `${row.groupId}_${row.accessId}_${row.principalId}`,
            eligibilityScheduleId: stableGuid('groupEligibilitySchedule', i, row.principalId),
          },
        ]
      : [],
  );
}

export function findGroup(directory: Directory, id: string): GroupSeed | undefined {
  return directory.groups.find((group) => same(group.id, id));
}
