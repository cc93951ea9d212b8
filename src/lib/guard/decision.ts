import type { Config } from '../config';
import { AppError } from '../http/problem';

/**
 * The protected-account decision on plain data (no I/O): what Graph said about the target, in,
 * a verdict and the reasons for the audit log, out. See check-target.ts for how the facts are
 * gathered and docs/threat-model.md, "Protected and break-glass targets", for the rules.
 */

export interface GuardTarget {
  /** The resolved object id, lower case. */
  id: string;
  userPrincipalName: string;
  displayName?: string;
  userType?: string;
  /** Every group the user belongs to, transitively (lower-case ids), e.g. for the TAP policy's targets. */
  groupIds: ReadonlySet<string>;
  /** Administrative units the user is in (lower-case ids), for callers scoped to some. */
  administrativeUnitIds?: ReadonlySet<string>;
}

export type GuardDecision =
  | { allowed: true; target: GuardTarget; graphRequestIds: string[] }
  | {
      allowed: false;
      code: 'break_glass_account' | 'protected_account';
      /**
       * For the audit log, never for the caller: `role:{templateId}({how})`, `group:{id}({why})`,
       * `break_glass:{id}`. Ids only, no names or secrets.
       */
      reasons: string[];
      target: GuardTarget;
      graphRequestIds: string[];
    };

export type GuardConfig = Pick<
  Config['guard'],
  'breakGlassObjectIds' | 'protectedRoleTemplateIds' | 'protectedGroupIds'
>;

/** A role row from roleAssignments or a PIM instance list (only what the decision reads). */
export interface RoleRow {
  roleDefinitionId: string;
  directoryScopeId?: string | null;
  endDateTime?: string | null;
}

/** A PIM for Groups eligibility of the target. */
export interface GroupEligibility {
  groupId: string;
  /** `member` or `owner`. */
  accessId: string;
  endDateTime?: string | null;
}

export type Membership =
  | { kind: 'group'; id: string; isAssignableToRole: boolean }
  | { kind: 'directoryRole'; id: string; roleTemplateId: string };

/** A PIM list's answer: its rows, or `unlicensed` when the tenant has no P2 (so nothing can be eligible). */
export type PimRows<T> = { licensed: true; rows: readonly T[] } | { licensed: false };

/** What Graph said about one principal: the target, or one of the groups that may give it a role. */
export interface PrincipalRoles {
  /** roleEligibilityScheduleInstances. */
  eligible: PimRows<RoleRow>;
  /** roleAssignmentScheduleInstances (permanent and PIM-activated). */
  activeInstances: PimRows<RoleRow>;
  /** roleAssignments (unified RBAC, no P2 needed). */
  assignments: readonly RoleRow[];
}

export interface GuardFacts {
  targetId: string;
  /** transitiveMemberOf: groups (nested included) and active tenant-wide directory roles. */
  memberships: readonly Membership[];
  /** By lower-case principal id: the target's own rows and those of every group looked up. */
  roles: ReadonlyMap<string, PrincipalRoles>;
  groupEligibilities: PimRows<GroupEligibility>;
}

export function isBreakGlass(objectId: string, guard: GuardConfig): boolean {
  return guard.breakGlassObjectIds.has(objectId.toLowerCase());
}

/**
 * Groups whose role rows the decision needs: the target's role-assignable groups (only those can
 * hold roles) and every group it is PIM-eligible to join or own (whether that one is
 * role-assignable isn't known without reading it, so all are looked up).
 */
export function groupsToLookUp(
  memberships: readonly Membership[],
  groupEligibilities: PimRows<GroupEligibility>,
  now: Date = new Date(),
): string[] {
  const ids = memberships
    .filter((membership) => membership.kind === 'group' && membership.isAssignableToRole)
    .map((membership) => membership.id.toLowerCase());
  if (groupEligibilities.licensed) {
    ids.push(
      ...groupEligibilities.rows.filter((row) => notEnded(row, now)).map((row) => row.groupId.toLowerCase()),
    );
  }
  return [...new Set(ids)];
}

/**
 * A row counts until it has ended. Graph lists instances "as they currently stand"; one that has
 * not started yet still counts (inferred: the holder gets the role on schedule, conservatively
 * protected now).
 */
function notEnded(row: { endDateTime?: string | null }, now: Date): boolean {
  if (row.endDateTime === null || row.endDateTime === undefined) return true;
  const end = Date.parse(row.endDateTime);
  return Number.isNaN(end) || end > now.getTime();
}

const rowsOf = <T>(lookup: PimRows<T> | undefined): readonly T[] =>
  lookup?.licensed === true ? lookup.rows : [];

/**
 * Why the target is protected; empty when it isn't. Protected: a configured role template held
 * actively or eligibly (directly, through a role-assignable group it is in, or through PIM for
 * Groups eligibility), membership of a role-assignable group (Entra lets only Privileged
 * Authentication Administrators reset such members), or membership, direct,
 * nested or PIM-eligible, of a configured protected group.
 */
export function protectionReasons(facts: GuardFacts, guard: GuardConfig, now: Date = new Date()): string[] {
  const reasons = new Set<string>();
  const protectedRole = (row: RoleRow) =>
    guard.protectedRoleTemplateIds.has(row.roleDefinitionId.toLowerCase());
  const scope = (row: RoleRow) =>
    row.directoryScopeId && row.directoryScopeId !== '/' ? `, scope ${row.directoryScopeId}` : '';
  const addRoles = (principalId: string, via: string) => {
    const roles = facts.roles.get(principalId.toLowerCase());
    if (roles === undefined) return;
    const active = [...rowsOf(roles.activeInstances), ...roles.assignments];
    for (const row of active.filter((r) => notEnded(r, now) && protectedRole(r))) {
      reasons.add(`role:${row.roleDefinitionId.toLowerCase()}(active${via}${scope(row)})`);
    }
    for (const row of rowsOf(roles.eligible).filter((r) => notEnded(r, now) && protectedRole(r))) {
      reasons.add(`role:${row.roleDefinitionId.toLowerCase()}(eligible${via}${scope(row)})`);
    }
  };
  const holdsAnyRole = (groupId: string) => {
    const roles = facts.roles.get(groupId.toLowerCase());
    if (roles === undefined) return false;
    return [...rowsOf(roles.activeInstances), ...roles.assignments, ...rowsOf(roles.eligible)].some((row) =>
      notEnded(row, now),
    );
  };

  for (const membership of facts.memberships) {
    const id = membership.id.toLowerCase();
    if (membership.kind === 'directoryRole') {
      if (guard.protectedRoleTemplateIds.has(membership.roleTemplateId.toLowerCase())) {
        reasons.add(`role:${membership.roleTemplateId.toLowerCase()}(active)`);
      }
      continue;
    }
    if (guard.protectedGroupIds.has(id)) reasons.add(`group:${id}(protected group)`);
    if (membership.isAssignableToRole) {
      reasons.add(`group:${id}(role-assignable)`);
      addRoles(id, ` via group ${id}`);
    }
  }
  addRoles(facts.targetId, '');
  for (const row of rowsOf(facts.groupEligibilities).filter((r) => notEnded(r, now))) {
    const id = row.groupId.toLowerCase();
    const access = `eligible ${row.accessId}`;
    if (guard.protectedGroupIds.has(id)) reasons.add(`group:${id}(protected group, ${access})`);
    // Only role-assignable groups hold roles, so rows for the group say what it is.
    if (holdsAnyRole(id)) reasons.add(`group:${id}(role-assignable, ${access})`);
    addRoles(id, ` via ${access} of group ${id}`);
  }
  return [...reasons].sort();
}

/** The decision once the target is resolved and, unless it is break-glass, the facts gathered. */
export function decide(
  target: GuardTarget,
  facts: GuardFacts | undefined,
  guard: GuardConfig,
  graphRequestIds: string[],
  now: Date = new Date(),
): GuardDecision {
  if (isBreakGlass(target.id, guard)) {
    return {
      allowed: false,
      code: 'break_glass_account',
      reasons: [`break_glass:${target.id.toLowerCase()}`],
      target,
      graphRequestIds,
    };
  }
  if (facts === undefined) throw new Error('the guard needs the facts for a target that is not break-glass');
  const reasons = protectionReasons(facts, guard, now);
  return reasons.length > 0
    ? { allowed: false, code: 'protected_account', reasons, target, graphRequestIds }
    : { allowed: true, target, graphRequestIds };
}

/** What the caller is told: the kind of protection, never which role or group (that goes to the audit log). */
export const REFUSAL_DETAIL = {
  break_glass_account: 'This is a break-glass account: no recovery action may touch it.',
  protected_account:
    'The account holds a protected directory role or group membership; recover it by hand with a privileged administrator.',
} as const;

/** Throws the refusal as an AppError (403 `break_glass_account` / `protected_account`); returns for an allowed target. */
export function assertTargetAllowed(
  decision: GuardDecision,
): asserts decision is Extract<GuardDecision, { allowed: true }> {
  if (!decision.allowed) throw new AppError(decision.code, REFUSAL_DETAIL[decision.code]);
}
